package records

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/retentionaction"
)

// Purged is what one Purge removed: Count records, the last of which is
// Through, whose hash was Hash (the next record's prev_hash).
type Purged struct {
	Count   int
	Through int
	Hash    string
}

// Purge removes, in tx, the oldest access records (the chain's first, in
// id order) older than cutoff, at most limit of them, and never the newest
// record, from which the chain goes on: it is the one removal of records
// there is (the model refuses every other, hooks.AppendOnlyRecords), for
// the retention period's end (package retention). It removes a prefix of
// the chain only, stopping at the first record not older than cutoff, so
// that what remains is still one chain, which Verify checks from the
// checkpoint the caller records in the same transaction (a RetentionAction
// of kind ACCESS_RECORDS with Through and Hash). It takes the chain's lock
// as Chain does, so that no record is appended meanwhile. Nothing to
// remove is a zero Purged.
func Purge(ctx context.Context, tx *ent.Tx, postgres bool, cutoff time.Time, limit int) (Purged, error) {
	if postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
			return Purged{}, err
		}
	}
	head, err := tx.AccessRecord.Query().Order(ent.Desc(accessrecord.FieldID)).FirstID(ctx)
	if ent.IsNotFound(err) {
		return Purged{}, nil
	}
	if err != nil {
		return Purged{}, err
	}
	batch, err := tx.AccessRecord.Query().Where(accessrecord.IDLT(head)).
		Order(ent.Asc(accessrecord.FieldID)).Limit(limit).All(ctx)
	if err != nil {
		return Purged{}, err
	}
	var p Purged
	for _, r := range batch {
		if !r.At.Before(cutoff) {
			break
		}
		p.Count++
		p.Through, p.Hash = r.ID, r.Hash
	}
	if p.Count == 0 {
		return p, nil
	}
	// Below the model, on purpose: its hook refuses every removal. The id
	// is an int the query above read, not text from anywhere.
	res, err := tx.ExecContext(ctx, "DELETE FROM "+accessrecord.Table+" WHERE "+accessrecord.FieldID+" <= "+strconv.Itoa(p.Through))
	if err != nil {
		return Purged{}, fmt.Errorf("removing access records: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && int(n) != p.Count {
		return Purged{}, fmt.Errorf("removing access records: %d removed, %d expected: records before the purge's start", n, p.Count)
	}
	return p, nil
}

// checkpoint returns the last purge's checkpoint: the last record removed
// and its hash (zero when nothing was ever purged).
func checkpoint(ctx context.Context, client *ent.Client) (through int, hash string, err error) {
	last, err := client.RetentionAction.Query().
		Where(retentionaction.KindEQ(retentionaction.KindACCESS_RECORDS), retentionaction.ThroughIDNotNil()).
		Order(ent.Desc(retentionaction.FieldThroughID)).First(ctx)
	if ent.IsNotFound(err) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	return *last.ThroughID, last.ThroughHash, nil
}

// Purgeable counts the records Purge would remove, batch after batch, at
// cutoff: the prefix of records older than cutoff, the newest record
// aside (a dry run's count).
func Purgeable(ctx context.Context, client *ent.Client, cutoff time.Time) (int, error) {
	head, err := client.AccessRecord.Query().Order(ent.Desc(accessrecord.FieldID)).FirstID(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	end := head
	kept, err := client.AccessRecord.Query().Where(accessrecord.AtGTE(cutoff)).Order(ent.Asc(accessrecord.FieldID)).FirstID(ctx)
	if err == nil && kept < end {
		end = kept
	} else if err != nil && !ent.IsNotFound(err) {
		return 0, err
	}
	return client.AccessRecord.Query().Where(accessrecord.IDLT(end)).Count(ctx)
}
