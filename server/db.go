package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "github.com/mattn/go-sqlite3"    // the "sqlite3" database/sql driver

	"consentgate/ent"
	_ "consentgate/ent/runtime" // privacy rules, hooks and interceptors
)

// OpenDatabase opens the database at url (a SQLite DSN such as
// "file:PATH?_fk=1", or a postgres:// URL) and migrates its schema.
func OpenDatabase(ctx context.Context, url string) (*ent.Client, error) {
	driverName, dialectName := "sqlite3", dialect.SQLite
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		driverName, dialectName = "pgx", dialect.Postgres
	}
	db, err := sql.Open(driverName, url)
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	if dialectName == dialect.SQLite {
		// One writer at a time; WAL lets readers go on meanwhile.
		db.SetMaxOpenConns(8)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to database: %w", err)
	}
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialectName, db)))
	if err := client.Schema.Create(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("migrating schema: %w", err)
	}
	return client, nil
}
