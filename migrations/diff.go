package migrations

import (
	"context"
	"database/sql"

	"ariga.io/atlas/sql/migrate"
	entsql "entgo.io/ent/dialect/sql"
	entschema "entgo.io/ent/dialect/sql/schema"

	entmigrate "consentgate/ent/migrate"
)

// Diff writes to dir, as a new migration named name, what the ent schema
// has that dir's migrations do not: it replays dir on dev, an empty
// development database of dialect, and compares. It writes nothing when
// they agree.
func Diff(ctx context.Context, dialect string, dev *sql.DB, dir migrate.Dir, name string) error {
	return entmigrate.NewSchema(entsql.OpenDB(dialect, dev)).NamedDiff(ctx, name,
		entschema.WithDir(dir),
		entschema.WithMigrationMode(entschema.ModeReplay),
		entschema.WithDialect(dialect),
		entschema.WithFormatter(migrate.DefaultFormatter),
		entschema.WithDropColumn(true),
		entschema.WithDropIndex(true),
	)
}
