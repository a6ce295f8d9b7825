package records

import (
	"context"
	"fmt"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/privacy"
)

// Report is what Verify found.
type Report struct {
	Records   int    // records checked, chained ones
	Unchained int    // records before the chain (written before it was kept)
	Head      string // the last record's hash (Genesis when there is none)
	// PurgedThrough is the last record the retention purge removed (0:
	// none): the chain is checked from its hash (Purge).
	PurgedThrough int
	Break         *Break // the first break, if any
}

// Break is where the chain first fails to hold.
type Break struct {
	ID      int    // the record's id
	Problem string // what is wrong
}

func (b *Break) String() string { return fmt.Sprintf("record %d: %s", b.ID, b.Problem) }

// verifyBatch bounds the records Verify holds at once.
const verifyBatch = 1000

// Verify reads every access record in id order, batch by batch, recomputes
// each chained record's hash and checks its prev_hash against the record
// before it: a record altered shows as a hash mismatch at that record, a
// record removed (or one before it altered with its hash recomputed) as a
// prev_hash mismatch at the next one, a record without a hash after the
// chain began as a record missing its hash. The records written before the
// chain (a prefix without hashes) are counted, not checked. After a
// retention purge (Purge), the chain starts at the purge's checkpoint: the
// first record left must name the last removed record's hash, so that a
// record removed behind the model just after the purge shows too. It stops
// at the first break.
func Verify(ctx context.Context, client *ent.Client) (*Report, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	rep := &Report{Head: Genesis}
	prev, last, chained := Genesis, 0, false
	through, throughHash, err := checkpoint(ctx, client)
	if err != nil {
		return nil, err
	}
	if through > 0 {
		rep.PurgedThrough = through
		if throughHash != "" {
			prev, chained = throughHash, true
		}
	}
	for {
		batch, err := client.AccessRecord.Query().Where(accessrecord.IDGT(last)).
			Order(ent.Asc(accessrecord.FieldID)).Limit(verifyBatch).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range batch {
			last = r.ID
			switch {
			case r.ID <= through:
				rep.Break = &Break{r.ID, fmt.Sprintf("at or before the retention purge's checkpoint (record %d): purged records are gone", through)}
			case r.Hash == "" && !chained:
				rep.Unchained++
				continue
			case r.Hash == "":
				rep.Break = &Break{r.ID, "no hash, after the chain began: written or altered behind the model"}
			case r.PrevHash != prev:
				rep.Break = &Break{r.ID, fmt.Sprintf("prev_hash %s is not the previous record's hash %s: a record before it is missing or was altered", r.PrevHash, prev)}
			case Hash(r.PrevHash, FieldsOf(r)) != r.Hash:
				rep.Break = &Break{r.ID, "hash mismatch: the record was altered"}
			}
			if rep.Break != nil {
				return rep, nil
			}
			chained = true
			prev = r.Hash
			rep.Records++
			rep.Head = r.Hash
		}
		if len(batch) < verifyBatch {
			return rep, nil
		}
	}
}
