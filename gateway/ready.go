package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"consentgate/ent/privacy"
)

// readyz answers 200 while the gateway can serve requests, writes
// included, and 503 (with the cause logged, never sent) while it cannot.
func (gw Gateway) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := gw.ready(ctx); err != nil {
		gw.Log.WarnContext(ctx, "not ready", "error", err.Error())
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// ready checks that the database answers, that its schema is migrated (a
// policy version is published, as at every start), and that it takes a
// write: in one transaction, a probe row is written and deleted again, and
// the transaction commits. Nobody ever sees the row; the commit must reach
// the database's log (SQLite's WAL, PostgreSQL's), so a read-only database
// (a standby, a read-only file or transaction), a full disk that stops the
// commit, or a write lock held past the deadline makes the gateway
// unready. The probe is an employer row (not personal data, no hook); on
// PostgreSQL each probe uses one id of the employers' sequence.
func (gw Gateway) ready(ctx context.Context) error {
	allow := privacy.DecisionContext(ctx, privacy.Allow)
	if _, err := gw.Client.PolicyVersion.Query().Exist(allow); err != nil {
		return fmt.Errorf("reading: %w", err)
	}
	tx, err := gw.Client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("starting a write: %w", err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	probe, err := tx.Employer.Create().SetExternalID("readiness-probe-" + hex.EncodeToString(b[:])).
		SetName("readiness probe").Save(allow)
	if err == nil {
		err = tx.Employer.DeleteOne(probe).Exec(allow)
	}
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("writing: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing a write: %w", err)
	}
	return nil
}
