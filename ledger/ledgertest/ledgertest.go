// Package ledgertest holds the consent-state check every test database
// runs when its test ends. It imports ledger and ent only.
package ledgertest

import (
	"context"
	"testing"

	"consentgate/ent"
	"consentgate/ledger"
)

// VerifyAtEnd checks, when the test ends (before its database closes),
// that the consent state is the fold of the whole ledger (ledger.Verify,
// as `consent verify` does): every test's consent writes, on both
// databases, leave the two in step. A database the test made unreachable
// on purpose is only logged.
func VerifyAtEnd(t testing.TB, client *ent.Client) {
	t.Cleanup(func() {
		diffs, err := ledger.Verify(context.Background(), client)
		if err != nil {
			t.Logf("consent state not verified: %v", err)
			return
		}
		for _, d := range diffs {
			t.Errorf("consent state differs from the ledger: %s", d)
		}
	})
}
