package retention_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"consentgate/retention"
)

// The sweeper's behaviour on both databases (a sweep, a crash mid-sweep,
// two replicas, the HTTP API after it) is tested end to end in
// e2e/retention_test.go, over the e2e fixture's databases.

// TestSweepNeedsPolicy: no policy, no sweep.
func TestSweepNeedsPolicy(t *testing.T) {
	if _, err := (&retention.Sweeper{}).Sweep(context.Background(), false); !errors.Is(err, retention.ErrNoPolicy) {
		t.Fatalf("Sweep without a policy: %v", err)
	}
}

// TestEveryStops: the loop ends when its ticks end or its context does.
func TestEveryStops(t *testing.T) {
	ticks := make(chan time.Time)
	close(ticks)
	(&retention.Sweeper{}).Every(context.Background(), ticks) // returns
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	(&retention.Sweeper{}).Every(ctx, make(chan time.Time)) // returns
}
