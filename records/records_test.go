package records

import (
	"testing"
	"time"
)

// TestHash: the hash is fixed for fixed fields (a change to the encoding
// breaks every stored chain: it shows here first), covers every field,
// and does not let a value's bytes move to its neighbour unnoticed.
func TestHash(t *testing.T) {
	const golden = "286413a800458e7bf3a30b9196364db166ece1a5f62534f481b16cef2338bdc7" // also computed independently, in Python
	f := Fields{At: time.Date(2026, 12, 3, 9, 0, 0, 123456000, time.FixedZone("JST", 9*3600)), RequestID: "r1",
		ViewerAccount: "acme-1", ViewerRole: "EMPLOYER", ViewerOrg: "acme", Purpose: "EMPLOYER_PROVISION",
		SubjectRef: "s:00", Categories: []string{"EMAIL:PLAIN", "NAME:PLAIN"}, Decision: "PLAIN", PolicyVersion: "2026-01"}
	h := Hash(Genesis, f)
	if h != golden {
		t.Fatalf("hash %s, want %s: the encoding changed, and every stored chain with it", h, golden)
	}
	if h == Hash(Genesis, Fields{}) {
		t.Fatalf("hash %q", h)
	}
	utc := f
	utc.At = f.At.UTC()
	if Hash(Genesis, utc) != h {
		t.Fatal("the same instant in another zone hashes differently")
	}
	changes := []func(*Fields){
		func(f *Fields) { f.At = f.At.Add(time.Microsecond) },
		func(f *Fields) { f.RequestID = "r2" },
		func(f *Fields) { f.ViewerAccount = "acme-2" },
		func(f *Fields) { f.ViewerRole = "SUPPORT" },
		func(f *Fields) { f.ViewerOrg = "globex" },
		func(f *Fields) { f.Purpose = "INQUIRY" },
		func(f *Fields) { f.SubjectRef = "s:01" },
		func(f *Fields) { f.Categories = []string{"EMAIL:PLAIN"} },
		func(f *Fields) { f.Categories = []string{"EMAIL:PLAIN,NAME:PLAIN"} },
		func(f *Fields) { f.Decision = "MASK" },
		func(f *Fields) { f.LegalBasis = "LAW" },
		func(f *Fields) { f.PolicyVersion = "2026-02" },
		func(f *Fields) { f.ViewerOrg, f.Purpose = "acmeE", "MPLOYER_PROVISION" },
	}
	for i, change := range changes {
		g := f
		change(&g)
		if Hash(Genesis, g) == h {
			t.Errorf("change %d leaves the hash as it was", i)
		}
	}
	if Hash(h, f) == h {
		t.Error("prev_hash not covered")
	}
}
