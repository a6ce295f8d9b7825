package graph

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"consentgate/consent"
)

// Metrics counts the engine's decisions by role, purpose, category and
// outcome, the releases and their access records (how long the write
// took, and the failures), the reads of the consent state, and the
// statistics' budget spends: labels from closed sets only, never a
// subject or a value.
type Metrics struct {
	decisions      *prometheus.CounterVec
	releases       prometheus.Counter // subjects whose data an operation released (to someone else)
	records        prometheus.Counter // access records written
	recordSeconds  prometheus.Histogram
	recordFailures prometheus.Counter
	recordGroups   prometheus.Histogram // operations per records transaction (group commit)
	stateSeconds   prometheus.Histogram
	stateFailures  prometheus.Counter
	spends         *prometheus.CounterVec
}

// durationBuckets are the latency buckets of the database writes and
// reads the metrics time, in seconds.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}

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
			Help: "Access records written; equal to consentgate_releases_total (a release whose record failed is withheld, and not counted).",
		}),
		recordSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "consentgate_access_record_write_seconds", Buckets: durationBuckets,
			Help: "Time to write one operation's access records (one statement).",
		}),
		recordFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "consentgate_access_record_failures_total",
			Help: "Operations whose access records could not be written: their data was withheld (AUDIT_UNAVAILABLE).",
		}),
		recordGroups: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "consentgate_access_record_group_operations", Buckets: []float64{1, 2, 4, 8, 16, 32, 64},
			Help: "Operations whose access records one transaction committed together (group commit); its count is the number of transactions.",
		}),
		stateSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "consentgate_consent_state_read_seconds", Buckets: durationBuckets,
			Help: "Time to read the consent state of one page of subjects.",
		}),
		stateFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "consentgate_consent_state_failures_total",
			Help: "Reads of the consent state that failed: their operation released nothing (UNAVAILABLE).",
		}),
		spends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "consentgate_budget_spends_total",
			Help: "Statistics queries by purpose and by what became of the privacy budget: charged, or refused as exhausted.",
		}, []string{"purpose", "outcome"}),
	}
	reg.MustRegister(m.decisions, m.releases, m.records, m.recordSeconds, m.recordFailures, m.recordGroups, m.stateSeconds, m.stateFailures, m.spends)
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

// grouped observes one records transaction of the recorder's, which
// committed the records of n operations.
func (m *Metrics) grouped(n int) {
	if m != nil {
		m.recordGroups.Observe(float64(n))
	}
}

// recorded counts an operation's records write: the releases and records
// when it succeeded, a failure (and no release: the data was withheld)
// when it did not.
func (m *Metrics) recorded(releases, records int, took time.Duration, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.recordFailures.Inc()
		return
	}
	if records > 0 {
		m.recordSeconds.Observe(took.Seconds())
	}
	m.releases.Add(float64(releases))
	m.records.Add(float64(records))
}

// stateRead times one read of the consent state.
func (m *Metrics) stateRead(took time.Duration, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.stateFailures.Inc()
		return
	}
	m.stateSeconds.Observe(took.Seconds())
}

// spent counts one statistics query's budget outcome.
func (m *Metrics) spent(p consent.Purpose, err error) {
	if m == nil {
		return
	}
	outcome := "charged"
	if err != nil {
		outcome = "refused"
		if errors.Is(err, ErrBudgetExhausted) || errors.Is(err, ErrOperationBudgetExhausted) {
			outcome = "exhausted"
		}
	}
	m.spends.WithLabelValues(string(p), outcome).Inc()
}
