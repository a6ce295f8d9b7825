package graph

import (
	"github.com/prometheus/client_golang/prometheus"

	"consentgate/consent"
)

// Metrics counts the engine's decisions by role, purpose, category and
// outcome: labels from closed sets only, never a subject or a value.
type Metrics struct {
	decisions *prometheus.CounterVec
}

// NewMetrics registers the gateway's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "consentgate_decisions_total",
		Help: "Consent decisions, one per subject and category per operation, by viewer role, declared purpose, category and outcome.",
	}, []string{"role", "purpose", "category", "outcome"})}
	reg.MustRegister(m.decisions)
	return m
}

func (m *Metrics) observe(v consent.Viewer, c consent.Category, d consent.Decision) {
	if m == nil {
		return
	}
	role, purpose, category := string(v.Role), string(v.Purpose), string(c)
	if _, err := consent.ParseRole(role); err != nil && v.Role != consent.Anonymous {
		role = "UNKNOWN"
	}
	if purpose == "" {
		purpose = "NONE"
	} else if _, err := consent.ParsePurpose(purpose); err != nil {
		purpose = "UNKNOWN"
	}
	if _, err := consent.ParseCategory(category); err != nil {
		category = "UNKNOWN"
	}
	m.decisions.WithLabelValues(role, purpose, category, d.Outcome.String()).Inc()
}
