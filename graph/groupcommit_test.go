package graph

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"testing"

	"consentgate/ent"
)

// fakeCommits stands in for the recorder's transaction: it notes the
// number of records of each operation in each group, blocks the first
// group until released, and fails a group holding an operation of
// failSize records.
type fakeCommits struct {
	mu       sync.Mutex
	groups   [][]int
	release  chan struct{}
	failSize int
}

func (f *fakeCommits) commit(_ context.Context, group []*recordBatch) error {
	f.mu.Lock()
	sizes := make([]int, len(group))
	for i, b := range group {
		sizes[i] = len(b.records)
	}
	f.groups = append(f.groups, sizes)
	first := len(f.groups) == 1
	f.mu.Unlock()
	if first && f.release != nil {
		<-f.release
	}
	if slices.Contains(sizes, f.failSize) {
		return errors.New("refused")
	}
	return nil
}

// waitStarted returns once the first group is being committed.
func (f *fakeCommits) waitStarted() {
	for {
		f.mu.Lock()
		started := len(f.groups) > 0
		f.mu.Unlock()
		if started {
			return
		}
		runtime.Gosched()
	}
}

func startRecorder(f *fakeCommits) *recorder {
	r := newRecorder(nil, nil)
	r.commit = f.commit
	return r
}

// waitPending returns once n operations wait behind the leader.
func waitPending(r *recorder, n int) {
	for {
		r.mu.Lock()
		k := len(r.pending)
		r.mu.Unlock()
		if k == n {
			return
		}
		runtime.Gosched()
	}
}

func nRecords(n int) []*ent.AccessRecordCreate { return make([]*ent.AccessRecordCreate, n) }

// TestRecorderGroupsWaitingOperations: the operations that hand their
// records over while a transaction is being committed are all committed
// by the next one, each returning only once its own are.
func TestRecorderGroupsWaitingOperations(t *testing.T) {
	f := &fakeCommits{release: make(chan struct{}), failSize: -1}
	r := startRecorder(f)
	errs := make(chan error, 6)
	go func() { errs <- r.write(context.Background(), nRecords(50)) }()
	f.waitStarted()
	for i := range 5 {
		go func() { errs <- r.write(context.Background(), nRecords(10+i)) }()
	}
	waitPending(r, 5)
	select {
	case err := <-errs:
		t.Fatalf("an operation returned before its records were committed: %v", err)
	default:
	}
	close(f.release)
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(f.groups) != 2 || len(f.groups[0]) != 1 || len(f.groups[1]) != 5 {
		t.Fatalf("groups %v, want the first operation alone and then the five that waited together", f.groups)
	}
	if r.writing || len(r.pending) != 0 {
		t.Fatalf("the recorder is left writing=%v with %d pending", r.writing, len(r.pending))
	}
}

// TestRecorderIsolatesAFailingOperation: a group that fails is retried
// one operation at a time, so only the operation whose records cannot be
// written gets the error.
func TestRecorderIsolatesAFailingOperation(t *testing.T) {
	f := &fakeCommits{release: make(chan struct{}), failSize: 7}
	r := startRecorder(f)
	type result struct {
		size int
		err  error
	}
	results := make(chan result, 4)
	write := func(n int) { results <- result{n, r.write(context.Background(), nRecords(n))} }
	go write(1)
	f.waitStarted()
	go write(5)
	go write(7)
	go write(9)
	waitPending(r, 3)
	close(f.release)
	for range 4 {
		res := <-results
		if (res.err != nil) != (res.size == 7) {
			t.Errorf("the operation of %d records: error %v", res.size, res.err)
		}
	}
	// The first alone, the three together (failed), then each of the three.
	if len(f.groups) != 5 || len(f.groups[1]) != 3 {
		t.Fatalf("groups %v", f.groups)
	}
}

// TestRecorderBoundsAGroup: a group holds at most maxGroupRecords records
// (one statement); the operations left over get the lead in turn.
func TestRecorderBoundsAGroup(t *testing.T) {
	f := &fakeCommits{release: make(chan struct{}), failSize: -1}
	r := startRecorder(f)
	errs := make(chan error, 4)
	go func() { errs <- r.write(context.Background(), nRecords(1)) }()
	f.waitStarted()
	big := maxGroupRecords*3/4 + 1
	for range 3 {
		go func() { errs <- r.write(context.Background(), nRecords(big)) }()
	}
	waitPending(r, 3)
	close(f.release)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(f.groups) != 4 {
		t.Fatalf("groups %v, want four (no two of %d records together)", f.groups, big)
	}
}

// TestRecorderRefusesACancelledOperation: an operation whose request has
// ended hands nothing over.
func TestRecorderRefusesACancelledOperation(t *testing.T) {
	f := &fakeCommits{failSize: -1}
	r := startRecorder(f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.write(ctx, nRecords(3)); !errors.Is(err, context.Canceled) {
		t.Fatalf("write = %v, want context.Canceled", err)
	}
	if len(f.groups) != 0 {
		t.Fatalf("committed %v", f.groups)
	}
}

// TestRecorderSurvivesAPanic: a write that panics fails its group, and the
// operations waiting behind it are still written (the lead passes on).
func TestRecorderSurvivesAPanic(t *testing.T) {
	f := &fakeCommits{release: make(chan struct{}), failSize: -1}
	r := startRecorder(f)
	commit := r.commit
	r.commit = func(ctx context.Context, group []*recordBatch) error {
		if len(group[0].records) == 13 {
			panic("the driver")
		}
		return commit(ctx, group)
	}
	first := make(chan error, 1)
	go func() { first <- r.write(context.Background(), nRecords(1)) }()
	f.waitStarted()
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_ = r.write(context.Background(), nRecords(13))
	}()
	waitPending(r, 1)
	close(f.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if p := <-panicked; p == nil {
		t.Fatal("the leader's panic was swallowed")
	}
	if err := r.write(context.Background(), nRecords(2)); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
	if r.writing {
		t.Fatal("the recorder is left writing")
	}
}
