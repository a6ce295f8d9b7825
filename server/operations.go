package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/gateway"
	"consentgate/operations"
)

// The operations command registers operations through a running gateway's
// GraphQL API, as an admin, and approves them, as a second admin:
//
//	go run ./server operations push [-url URL] [-token T | -secret S] [-sub ADMIN] DIR
//	go run ./server operations push -purpose P [...] persisted-query-manifest.json
//	go run ./server operations approve -sub ADMIN2 [...] DIR|MANIFEST.json
//
// Without -url it dials the gateway a start in the same environment
// serves: localhost on PORT (8080 when unset).
//
// Each *.graphql file of DIR is one operation, with "# name:",
// "# purpose:" and "# description:" header comments (see package
// operations); or each operation of an Apollo persisted-query manifest is
// one, under the purpose given. push registers them pending; approve, by
// another admin who has read the same files, approves exactly those
// documents (by their ids), and from then on they run. A document
// registered or approved already is reported and skipped, so running
// either twice changes nothing.

func operationsCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	const usage = "usage: operations push|approve [-url URL] [-token T | -secret S] [-sub ADMIN] [-purpose P] DIR|MANIFEST.json"
	if len(args) == 0 || (args[0] != "push" && args[0] != "approve") {
		return errors.New(usage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("operations "+verb, flag.ContinueOnError)
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	endpoint := fs.String("url", "http://localhost:"+port+"/graphql", "the gateway's GraphQL endpoint")
	token := fs.String("token", "", "an ADMIN token (default: one signed with -secret)")
	secret := fs.String("secret", "", "HS256 secret to sign an ADMIN token with (default: CONSENTGATE_JWT_SECRET, else the demo secret)")
	sub := fs.String("sub", "admin-1", "the admin account a signed token names (recorded as registeredBy, or approvedBy: approve with another)")
	purpose := fs.String("purpose", "", "for a manifest: the purpose its operations are registered under")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("operations %s: one directory or manifest expected", verb)
	}
	files, err := readOperations(fs.Arg(0), *purpose)
	if err != nil {
		return fmt.Errorf("operations %s: %w", verb, err)
	}
	if len(files) == 0 {
		return fmt.Errorf("operations %s: no *.graphql file in %s", verb, fs.Arg(0))
	}
	tok := *token
	if tok == "" {
		key := []byte(*secret)
		if len(key) == 0 {
			key = tokenSecret()
		}
		if tok, err = gateway.SignToken(key, consent.Viewer{Account: *sub, Role: consent.Admin}, 10*time.Minute, time.Now()); err != nil {
			return err
		}
	}
	p := operations.Pusher{Endpoint: *endpoint, Token: tok, Client: &http.Client{Timeout: 30 * time.Second}}
	act, done := p.Push, "registered"
	if verb == "approve" {
		act, done = p.Approve, "approved"
	}
	failed := 0
	for _, f := range files {
		status, err := act(ctx, f)
		if err != nil {
			failed++
			status = "error: " + err.Error()
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", f.Path, f.Name, f.ID(), status)
	}
	if failed > 0 {
		return fmt.Errorf("operations %s: %d of %d operations not %s", verb, failed, len(files), done)
	}
	return nil
}

// readOperations reads the operations of a directory of *.graphql files,
// or of an Apollo persisted-query manifest (a .json file).
func readOperations(path, purpose string) ([]operations.File, error) {
	if !strings.HasSuffix(path, ".json") {
		if purpose != "" {
			return nil, errors.New("-purpose is for a manifest: a directory's files say their own")
		}
		return operations.ReadDir(os.DirFS(path), ".")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return operations.ReadManifest(f, filepath.Base(path), purpose)
}
