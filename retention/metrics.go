package retention

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts the rows sweeps acted on, by kind of data and action
// (labels from the closed sets of consent.RetentionKinds and the actions:
// never a personal value). It is a prometheus.Collector: the gateway
// registers it beside its own metrics.
type Metrics struct{ rows *prometheus.CounterVec }

// NewMetrics returns the sweeper's counters, unregistered.
func NewMetrics() *Metrics {
	return &Metrics{rows: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "consentgate_retention_rows_total",
		Help: "Rows the retention sweeper erased or anonymised, by kind of data and action (dry runs not counted).",
	}, []string{"kind", "action"})}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { m.rows.Describe(ch) }

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) { m.rows.Collect(ch) }

// add counts a rule's rows.
func (m *Metrics) add(rr RuleReport) {
	if m != nil && rr.Count > 0 {
		m.rows.WithLabelValues(string(rr.Kind), string(rr.Action)).Add(float64(rr.Count))
	}
}
