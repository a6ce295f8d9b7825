package main

import (
	"flag"
	"fmt"
	"io"

	"consentgate/consent"
	"consentgate/datamap"
)

// datamapCommand prints the data map of the policy the gateway would load
// (CONSENTGATE_POLICY, or the embedded default) as Markdown, or as JSON
// with -json.
func datamapCommand(args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("datamap", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON instead of Markdown")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("datamap: unexpected argument %q", fs.Arg(0))
	}
	policy := consent.DefaultPolicy()
	if path := getenv("CONSENTGATE_POLICY"); path != "" {
		p, err := consent.LoadPolicyFile(path)
		if err != nil {
			return fmt.Errorf("CONSENTGATE_POLICY: %w", err)
		}
		policy = p
	}
	m := datamap.BuildSchema(policy)
	if *asJSON {
		return m.JSON(stdout)
	}
	return m.Markdown(stdout)
}
