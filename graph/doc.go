// Package graph is the GraphQL layer of the gateway: the gqlgen resolvers
// over the ent client, and the enforcement that sits between a request and
// its data.
//
// It owns:
//   - the resolvers (one X.resolvers.go per schema/X.graphqls, as gqlgen
//     generates them) and the resolver root (resolver.go);
//   - the consent field guard (guard.go), which decides every @personal
//     field with the consent engine, with the subjects it decides for
//     (subjects.go), the withheld extension (withheld.go) and the access
//     records of what it released (records.go); it runs each mutation's
//     transaction, so the records follow it by construction;
//   - the approved-operations gate (operations.go), the query limits
//     (limits.go), the statistics and their privacy budget (statistics.go),
//     policy notices (policy.go), the transports that read a documentId
//     and give request errors their HTTP status (transport.go), and the
//     server with its error presenter (server.go);
//   - the connections' sealed cursors (package cursor, the Cursor
//     scalar's marshalling), which the server opens before anything runs.
//
// Authorization lives in named enforcement points, never in a resolver:
// rows in the ent privacy rules (ent/rule), fields in the field guard,
// whole documents in the approved-operations gate, and arguments and
// aggregates in their own checks. A resolver never checks a role; it reads
// and writes through ent and lets those points decide.
//
// It must not import the command or the HTTP gateway (server/ and what is
// split from it), and it reaches the database only through ent (its
// generated queries, ent/rule's predicates, ent/hooks and ledger): it
// writes no SQL of its own. Database drivers are imported only to classify
// their errors (server.go).
package graph
