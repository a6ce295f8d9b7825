package graph

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"consentgate/consent"
)

// Metrics counts the engine's decisions by role, purpose, category and
// outcome: labels from closed sets only, never a subject or a value.
type Metrics struct {
	decisions *prometheus.CounterVec
	releases  prometheus.Counter // subjects whose data an operation released (to someone else)
	records   prometheus.Counter // access records written
}

// NewMetrics registers the gateway's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "consentgate_decisions_total",
		Help: "Consent decisions, one per subject and category per operation, by viewer role, declared purpose, category and outcome.",
	}, []string{"role", "purpose", "category", "outcome"}),
		releases: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "consentgate_releases_total",
			Help: "Releases of personal data to someone other than its subject: one per subject per operation.",
		}),
		records: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "consentgate_access_records_total",
			Help: "Access records written; equal to consentgate_releases_total unless a write failed (and the data was then withheld).",
		}),
	}
	reg.MustRegister(m.decisions, m.releases, m.records)
	return m
}

// decisionCounts tallies one operation's decisions, by category index and
// outcome, to be added to the metrics once at the end of the operation.
type decisionCounts [consent.NumCategories][3]atomic.Int64

// flush adds an operation's tallies to the counters.
func (m *Metrics) flush(v consent.Viewer, counts *decisionCounts) {
	if m == nil || counts == nil {
		return
	}
	role, purpose := string(v.Role), string(v.Purpose)
	if _, err := consent.ParseRole(role); err != nil && v.Role != consent.Anonymous {
		role = "UNKNOWN"
	}
	if purpose == "" {
		purpose = "NONE"
	} else if _, err := consent.ParsePurpose(purpose); err != nil {
		purpose = "UNKNOWN"
	}
	for i := range counts {
		for o := range counts[i] {
			if n := counts[i][o].Load(); n > 0 {
				m.decisions.WithLabelValues(role, purpose, string(consent.Categories[i]), consent.Outcome(o).String()).Add(float64(n))
			}
		}
	}
}

// released counts an operation's releases and the records written for them.
func (m *Metrics) released(releases, records int) {
	if m == nil {
		return
	}
	m.releases.Add(float64(releases))
	m.records.Add(float64(records))
}
