// Package schema is the data model: ent's entities, each personal field
// declared once with its consent category (personal, annotations.go),
// validators (validate/), the typed JSON lists (schematype/), and on one
// page (policy.go) every entity's privacy policy, rules and hooks.
//
// It imports consent (for the categories), the rules (ent/rule) and the
// hooks (ent/hooks); it must not import graph, the gateway or the command.
package schema
