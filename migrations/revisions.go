package migrations

import (
	"context"
	"encoding/json"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
)

// revisionTable holds the applied migrations, one row per version with the
// whole revision Atlas keeps as JSON.
const revisionTable = "schema_revisions"

// revisions is Atlas's RevisionReadWriter over revisionTable, through the
// connection or transaction the migration runs on.
type revisions struct {
	db      schema.ExecQuerier
	dialect string
	schema  string // PostgreSQL's current schema, where the table is
}

// newRevisions returns the revisions of the database behind db.
func newRevisions(ctx context.Context, db schema.ExecQuerier, dialect string) (revisions, error) {
	r := revisions{db: db, dialect: dialect}
	if dialect != Postgres {
		return r, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT current_schema()")
	if err != nil {
		return r, err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&r.schema); err != nil {
			return r, err
		}
	}
	return r, rows.Err()
}

func (r revisions) Ident() *migrate.TableIdent {
	return &migrate.TableIdent{Name: revisionTable, Schema: r.schema}
}

// stored is a migrate.Revision as the table keeps it (Atlas's Type
// marshals to text it cannot read back).
type stored struct {
	migrate.Revision
	Type uint `json:"Type"`
}

func marshal(rev *migrate.Revision) ([]byte, error) {
	return json.Marshal(stored{Revision: *rev, Type: uint(rev.Type)})
}

func unmarshal(raw string) (*migrate.Revision, error) {
	var s stored
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, fmt.Errorf("%s: %w", revisionTable, err)
	}
	rev := s.Revision
	rev.Type = migrate.RevisionType(s.Type)
	return &rev, nil
}

func (r revisions) arg(n int) string {
	if r.dialect == Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

// create makes the table when it is missing.
func (r revisions) create(ctx context.Context) error {
	_, err := r.db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+revisionTable+
		" (version varchar(255) PRIMARY KEY, revision text NOT NULL)")
	return err
}

// exists reports whether the table is there (a database migrated by
// versioned migrations at least once).
func (r revisions) exists(ctx context.Context) (bool, error) {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if r.dialect == Postgres {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
	}
	rows, err := r.db.QueryContext(ctx, q, revisionTable)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var n int
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return false, err
		}
	}
	return n > 0, rows.Err()
}

func (r revisions) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	rows, err := r.db.QueryContext(ctx, "SELECT revision FROM "+revisionTable+" ORDER BY version")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*migrate.Revision
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		rev, err := unmarshal(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, rows.Err()
}

func (r revisions) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	rows, err := r.db.QueryContext(ctx, "SELECT revision FROM "+revisionTable+" WHERE version = "+r.arg(1), version)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, migrate.ErrRevisionNotExist
	}
	var raw string
	if err := rows.Scan(&raw); err != nil {
		return nil, err
	}
	return unmarshal(raw)
}

func (r revisions) WriteRevision(ctx context.Context, rev *migrate.Revision) error {
	raw, err := marshal(rev)
	if err != nil {
		return err
	}
	res, err := r.db.ExecContext(ctx, "UPDATE "+revisionTable+" SET revision = "+r.arg(1)+" WHERE version = "+r.arg(2), string(raw), rev.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = r.db.ExecContext(ctx, "INSERT INTO "+revisionTable+" (version, revision) VALUES ("+r.arg(1)+", "+r.arg(2)+")", rev.Version, string(raw))
	return err
}

func (r revisions) DeleteRevision(ctx context.Context, version string) error {
	_, err := r.db.ExecContext(ctx, "DELETE FROM "+revisionTable+" WHERE version = "+r.arg(1), version)
	return err
}

var _ migrate.RevisionReadWriter = revisions{}
