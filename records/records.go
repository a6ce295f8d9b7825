// Package records keeps the access records (the records of provision)
// tamper-evident: each record carries the hash of the one before it, in id
// order, and its own hash over that and its immutable fields, so that a
// record altered or removed behind the model's back breaks the chain at
// that record or the next one. The gateway chains the records it writes
// (Chain, in the group commit's transaction); `go run ./server records
// verify` recomputes the chain (Verify).
//
// The records of provision: each names the recipient (its organisation and
// that organisation's legal name as it stood), the categories and their
// outcome, the consent ledger entry or the access grant relied on, the
// policy version and the time. A subject's erasure keeps their identity
// sealed for as long as their records are kept (Sealer, Seal, LegalPeriod)
// and the purge removes it after (PurgeSealed).
//
// The hash covers the fields that never change: the subject's keyed
// pseudonym (subject_ref), not the subject's id, which the subject's
// erasure clears (the one change the model allows, hooks.AppendOnlyRecords).
//
// Records written before the chain (a database from before) have no hash:
// Verify counts such a prefix and checks the chain from the first chained
// record, whose prev_hash is Genesis.
//
// This package imports the model (ent) and nothing of the API: it must
// not import graph, gateway or server.
package records

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
)

// Genesis is the first chained record's prev_hash.
var Genesis = strings.Repeat("0", 64)

// timeLayout writes a record's time in UTC to the microsecond, which both
// databases keep (PostgreSQL's timestamptz has no finer precision): Chain
// truncates the time it stores to it.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Fields are a record's immutable fields, those its hash covers.
type Fields struct {
	At            time.Time
	RequestID     string
	ViewerAccount string
	ViewerRole    string
	ViewerOrg     string
	Purpose       string
	SubjectRef    string
	Categories    []string
	Decision      string
	LegalBasis    string
	PolicyVersion string
	// Added after the chain began: they enter the hash only when one of
	// them is set (Hash), so records chained before them verify as they
	// were.
	RecipientName string // the recipient organisation's legal name at the time
	ConsentID     int    // the consent ledger entry relied on; 0: none
	GrantID       int    // the access grant relied on; 0: none
}

// FieldsOf returns a stored record's hashed fields.
func FieldsOf(r *ent.AccessRecord) Fields {
	return Fields{At: r.At, RequestID: r.RequestID, ViewerAccount: r.ViewerAccount, ViewerRole: r.ViewerRole,
		ViewerOrg: r.ViewerOrg, Purpose: r.Purpose, SubjectRef: r.SubjectRef, Categories: r.Categories,
		Decision: r.Decision, LegalBasis: r.LegalBasis, PolicyVersion: r.PolicyVersion,
		RecipientName: r.RecipientName, ConsentID: deref(r.ConsentID), GrantID: deref(r.GrantID)}
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// fieldsOfCreate returns the hashed fields of a record about to be created.
func fieldsOfCreate(m *ent.AccessRecordMutation) Fields {
	var f Fields
	f.At, _ = m.At()
	f.RequestID, _ = m.RequestID()
	f.ViewerAccount, _ = m.ViewerAccount()
	f.ViewerRole, _ = m.ViewerRole()
	f.ViewerOrg, _ = m.ViewerOrg()
	f.Purpose, _ = m.Purpose()
	f.SubjectRef, _ = m.SubjectRef()
	f.Categories, _ = m.Categories()
	f.Decision, _ = m.Decision()
	f.LegalBasis, _ = m.LegalBasis()
	f.PolicyVersion, _ = m.PolicyVersion()
	f.RecipientName, _ = m.RecipientName()
	f.ConsentID, _ = m.ConsentID()
	f.GrantID, _ = m.GrantID()
	return f
}

// Hash is a record's hash: the hex SHA-256 of prev (the previous record's
// hash, 64 hex digits), a newline, and the canonical encoding of its
// fields: a JSON array of them in a fixed order (the time as timeLayout,
// an absent string as "", the categories as an array), unambiguous
// whatever the values hold.
//
// The fields of a record of provision added after the chain began
// (recipient name, consent entry, grant) follow, in that order (an absent
// id as 0), only when one of them is set: a record without them, written
// before they were kept or since, hashes exactly as before, and a record
// with them cannot be made to hash as one without them (the array would be
// shorter), so removing or altering any of them breaks the chain.
func Hash(prev string, f Fields) string {
	cats := f.Categories
	if cats == nil {
		cats = []string{}
	}
	fields := []any{f.At.UTC().Format(timeLayout), f.RequestID, f.ViewerAccount, f.ViewerRole,
		f.ViewerOrg, f.Purpose, f.SubjectRef, cats, f.Decision, f.LegalBasis, f.PolicyVersion}
	if f.RecipientName != "" || f.ConsentID != 0 || f.GrantID != 0 {
		fields = append(fields, f.RecipientName, f.ConsentID, f.GrantID)
	}
	enc, err := json.Marshal(fields)
	if err != nil { // strings and a slice of strings: never
		panic(err)
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(enc)
	return hex.EncodeToString(h.Sum(nil))
}

// lockKey is the PostgreSQL advisory lock (transaction-scoped) under which
// a replica appends to the chain ("ACCESSRE" in ASCII).
const lockKey = 0x4143434553535245

// Chain links the records about to be created in tx, in the builders'
// order, to the chain: it takes the chain's lock (on PostgreSQL an
// advisory lock held to the end of tx, so replicas append one after
// another; on SQLite the transaction's write lock, BEGIN IMMEDIATE, does),
// reads the head (the last record's hash) and sets each record's
// prev_hash and hash, its time truncated to what is stored. The builders
// must then be inserted in tx, in that order, in one statement (ids are
// given in the order of the rows).
func Chain(ctx context.Context, tx *ent.Tx, postgres bool, builders []*ent.AccessRecordCreate) error {
	if postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
			return err
		}
	}
	// The whole last record: a record from before the chain has a NULL
	// hash, which a string column's select does not scan.
	head, err := tx.AccessRecord.Query().Order(ent.Desc(accessrecord.FieldID)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return err
	}
	prev := Genesis
	if head != nil && head.Hash != "" {
		prev = head.Hash
	}
	for _, b := range builders {
		m := b.Mutation()
		if at, ok := m.At(); ok {
			m.SetAt(at.UTC().Truncate(time.Microsecond))
		}
		h := Hash(prev, fieldsOfCreate(m))
		m.SetPrevHash(prev)
		m.SetHash(h)
		prev = h
	}
	return nil
}

// IsPostgres says whether client's database is PostgreSQL (Chain's lock):
// SQLite answers sqlite_version(), PostgreSQL refuses it as an undefined
// function (SQLSTATE 42883). Any other failure (the database did not
// answer) is returned: the caller asks again rather than guess.
func IsPostgres(ctx context.Context, client *ent.Client) (bool, error) {
	rows, err := client.QueryContext(ctx, "SELECT sqlite_version()")
	if err == nil {
		return false, rows.Close()
	}
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42883" {
		return true, nil
	}
	return false, err
}
