// Package consentgate is a GraphQL gateway that releases each personal-data
// field plain, masked or hidden by the viewer's role, purpose and the
// subject's consent. See README.md.
package consentgate

//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod github.com/99designs/gqlgen
