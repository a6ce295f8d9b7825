package graph

import (
	"context"
	"errors"
	"sync"
	"time"

	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/records"
)

// recorder writes the access records of concurrent operations together:
// group commit. An operation hands its records over and waits until they
// are durable (or could not be written), as it would for a transaction of
// its own; one of the waiting operations, the leader, writes everything
// handed over so far in one transaction, and passes the lead to the next
// operation waiting with records not yet written. SQLite has one writer at
// a time: one transaction for many operations instead of one each takes
// the write lock, commits and invalidates the readers' page caches once
// for all of them (BENCHMARKS.md).
//
// No goroutine of its own: nothing to start or stop, and nothing runs
// when no operation is waiting.
type recorder struct {
	client *ent.Client
	// commit writes a group in one transaction (tests replace it).
	commit  func(ctx context.Context, group []*recordBatch) error
	commits func(batches int) // metrics: a group committed (nil: none)

	// The database's dialect, for records.Chain's lock: learnt by the
	// first leader whose database answers (only a leader reads or writes
	// them).
	dialectKnown bool
	postgres     bool

	mu      sync.Mutex
	pending []*recordBatch
	writing bool // a leader is writing: new batches wait for it
}

// recordBatch is one operation's records, and where it learns their fate.
type recordBatch struct {
	records []*ent.AccessRecordCreate
	done    chan error    // the group's result, once
	lead    chan struct{} // the lead, handed over
}

// maxGroupRecords bounds one group (and one INSERT statement: 12 columns
// a row, well within SQLite's and PostgreSQL's limits on parameters). An
// operation with more records than that is a group of its own, as it was
// a statement of its own before records were grouped.
const maxGroupRecords = 2000

func newRecorder(client *ent.Client, commits func(int)) *recorder {
	r := &recorder{client: client, commits: commits}
	r.commit = r.commitGroup
	return r
}

// write hands an operation's records over and returns once they are
// committed, or the error that kept them from it: its records are never
// left half written, and never written after it returned an error. The
// wait is not cut short by ctx: a request that returned while its records
// were being committed would have records without their release.
func (r *recorder) write(ctx context.Context, records []*ent.AccessRecordCreate) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := &recordBatch{records: records, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	r.mu.Lock()
	r.pending = append(r.pending, b)
	lead := !r.writing
	r.writing = true
	r.mu.Unlock()
	if !lead {
		select {
		case err := <-b.done:
			return err
		case <-b.lead:
		}
	}
	// The group's write outlives this request's deadline (it writes other
	// requests' records too), within a bound of its own.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), groupCommitTimeout)
	defer cancel()
	r.lead(wctx)
	return <-b.done
}

// groupCommitTimeout bounds one group's transaction: a database that does
// not answer fails the group's requests (no record, no data) instead of
// holding every writer behind it.
const groupCommitTimeout = 30 * time.Second

// lead writes the records waiting, up to maxGroupRecords, as one group,
// and then hands the lead to the first operation still waiting, if any.
// Whatever happens, even a panic of the write, every operation of the
// group hears of it and the lead passes on: no operation waits forever.
func (r *recorder) lead(ctx context.Context) {
	r.mu.Lock()
	n, rows := 0, 0
	for n < len(r.pending) && (n == 0 || rows+len(r.pending[n].records) <= maxGroupRecords) {
		rows += len(r.pending[n].records)
		n++
	}
	group := r.pending[:n:n]
	r.pending = r.pending[n:]
	r.mu.Unlock()

	told := 0 // the operations of group told their result, in order
	defer func() {
		for _, b := range group[told:] {
			b.done <- errRecorderFailed
		}
		r.mu.Lock()
		if len(r.pending) > 0 {
			r.pending[0].lead <- struct{}{}
		} else {
			r.writing = false
		}
		r.mu.Unlock()
	}()
	err := r.commit(ctx, group)
	if err != nil && len(group) > 1 {
		// One operation's records may be what failed the group: each is
		// tried on its own, so that the others are not withheld for it.
		for _, b := range group {
			b.done <- r.commit(ctx, []*recordBatch{b})
			told++
		}
		return
	}
	for _, b := range group {
		b.done <- err
		told++
	}
}

// errRecorderFailed is the result of records whose write panicked.
var errRecorderFailed = errors.New("the access records' write failed")

// commitGroup writes a group's records in one transaction and one
// statement, chained to the records before them (records.Chain) in the
// order of the group.
func (r *recorder) commitGroup(ctx context.Context, group []*recordBatch) error {
	var all []*ent.AccessRecordCreate
	for _, b := range group {
		all = append(all, b.records...)
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if !r.dialectKnown {
		postgres, err := records.IsPostgres(ctx, r.client)
		if err != nil {
			return err
		}
		r.postgres, r.dialectKnown = postgres, true
	}
	tx, err := r.client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := records.Chain(ctx, tx, r.postgres, all); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.AccessRecord.CreateBulk(all...).Exec(ctx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if r.commits != nil {
		r.commits(len(group))
	}
	return nil
}
