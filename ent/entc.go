//go:build ignore

// entc.go generates the ent client (ent/) and the GraphQL schema of the ent
// types (schema/ent.graphqls). Run through `go generate ./...` from the
// module root.
package main

import (
	"log"

	"consentgate/ent/codegen"
)

func main() {
	if err := codegen.Generate("./ent", "./schema/ent.graphqls", "./gqlgen.yml"); err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
