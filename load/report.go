package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// tally is what one client saw; clients never share one.
type tally struct {
	latencies  [][]time.Duration // per operation
	status     map[int]int
	codes      map[string]int // responses with at least one GraphQL error of that code
	withErrors int            // responses with GraphQL errors
	opErrors   []int          // per operation: non-2xx, GraphQL errors or transport errors
	transport  int
	unfinished int // cut off by the grace deadline
	aborted    int // cut off by an interrupt
	samples    map[string]bool
}

func newTally(ops int) *tally {
	return &tally{latencies: make([][]time.Duration, ops), opErrors: make([]int, ops),
		status: map[int]int{}, codes: map[string]int{}, samples: map[string]bool{}}
}

// record counts one exchange.
func (t *tally) record(op int, elapsed time.Duration, status int, body []byte, err error, parent, run context.Context) {
	if err != nil {
		t.opErrors[op]++
		switch {
		case parent.Err() != nil:
			t.aborted++
		case run.Err() != nil:
			t.unfinished++
		default:
			t.transport++
			if len(t.samples) < 5 {
				t.samples[err.Error()] = true
			}
		}
		return
	}
	t.latencies[op] = append(t.latencies[op], elapsed)
	t.status[status]++
	failed := status < 200 || status > 299
	if bytes.Contains(body, []byte(`"errors"`)) {
		var resp struct {
			Errors []struct {
				Extensions struct {
					Code string `json:"code"`
				} `json:"extensions"`
			} `json:"errors"`
		}
		if json.Unmarshal(body, &resp) == nil && len(resp.Errors) > 0 {
			failed = true
			t.withErrors++
			seen := map[string]bool{}
			for _, e := range resp.Errors {
				code := e.Extensions.Code
				if code == "" {
					code = "(no code)"
				}
				if !seen[code] {
					seen[code] = true
					t.codes[code]++
				}
			}
		}
	}
	if failed {
		t.opErrors[op]++
	}
}

// Report is the result of a load run (the -json output).
type Report struct {
	Endpoint          string         `json:"endpoint"`
	Clients           int            `json:"clients"`
	Duration          string         `json:"duration"`
	ElapsedSeconds    float64        `json:"elapsedSeconds"` // first request to last response
	Requests          int            `json:"requests"`       // responses received
	RequestsPerSecond float64        `json:"requestsPerSecond"`
	Latency           LatencySummary `json:"latencyMs"`
	// Status counts responses by HTTP status.
	Status map[string]int `json:"status"`
	// GraphQLErrors counts responses with at least one GraphQL error of
	// each extensions.code; ResponsesWithErrors those with any.
	GraphQLErrors       map[string]int `json:"graphqlErrors"`
	ResponsesWithErrors int            `json:"responsesWithErrors"`
	ServerErrors        int            `json:"serverErrors"` // 5xx responses
	// TransportErrors are requests that got no response (refused, reset,
	// malformed); Unfinished ones were still waiting when the grace after
	// the duration ended; Aborted ones were cut off by an interrupt.
	TransportErrors       int               `json:"transportErrors"`
	TransportErrorSamples []string          `json:"transportErrorSamples,omitempty"`
	Unfinished            int               `json:"unfinished"`
	Aborted               int               `json:"aborted"`
	Interrupted           bool              `json:"interrupted"`
	Operations            []OperationReport `json:"operations"`
	// Releases of personal data and the access records written for them
	// during the run, from the gateway's /metrics (AuditChecked: read).
	AuditChecked  bool `json:"auditChecked"`
	Releases      int  `json:"releases"`
	AccessRecords int  `json:"accessRecords"`
}

// OperationReport is one operation of the mix.
type OperationReport struct {
	Name     string         `json:"name"`
	Weight   int            `json:"weight"`
	Requests int            `json:"requests"`
	Failed   int            `json:"failed"` // non-2xx, GraphQL errors, no response
	Latency  LatencySummary `json:"latencyMs"`
}

// LatencySummary holds latency percentiles in milliseconds (nearest rank).
type LatencySummary struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func summarize(lat []time.Duration) LatencySummary {
	if len(lat) == 0 {
		return LatencySummary{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	rank := func(q float64) time.Duration {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return s[max(i, 0)]
	}
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return LatencySummary{P50: ms(rank(0.50)), P90: ms(rank(0.90)), P99: ms(rank(0.99)), Max: ms(s[len(s)-1]),
		Mean: ms(sum / time.Duration(len(s)))}
}

// Failed reports whether the run saw a server failure: a 5xx, a request
// without a response (transport error, or unfinished after the grace), or
// an INTERNAL GraphQL error (a server fault answered 200).
func (r *Report) Failed() bool {
	return r.ServerErrors > 0 || r.TransportErrors > 0 || r.Unfinished > 0 || r.GraphQLErrors["INTERNAL"] > 0 ||
		(r.AuditChecked && r.Releases != r.AccessRecords)
}

// write prints the report for people.
func (r *Report) Write(out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "consentgate load: %d clients for %s against %s\n", r.Clients, r.Duration, r.Endpoint)
	if r.Interrupted {
		fmt.Fprintln(w, "interrupted: the numbers cover the run until then")
	}
	fmt.Fprintf(w, "requests\t%d in %.1f s: %.1f req/s\n", r.Requests, r.ElapsedSeconds, r.RequestsPerSecond)
	l := r.Latency
	fmt.Fprintf(w, "latency\tp50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (mean %.1f ms)\n", l.P50, l.P90, l.P99, l.Max, l.Mean)
	fmt.Fprintf(w, "status\t%s\n", joinCounts(r.Status))
	fmt.Fprintf(w, "graphql errors\t%d responses; by code: %s\n", r.ResponsesWithErrors, joinCounts(r.GraphQLErrors))
	fmt.Fprintf(w, "5xx\t%d\n", r.ServerErrors)
	fmt.Fprintf(w, "transport errors\t%d (unfinished after the grace: %d, aborted: %d)\n", r.TransportErrors, r.Unfinished, r.Aborted)
	if r.AuditChecked {
		fmt.Fprintf(w, "access records\t%d for %d releases of personal data\n", r.AccessRecords, r.Releases)
	} else {
		fmt.Fprintln(w, "access records\tnot checked (the gateway's /metrics could not be read)")
	}
	for _, s := range r.TransportErrorSamples {
		fmt.Fprintf(w, "\te.g. %s\n", s)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "operation\tweight\trequests\tfailed\tp50 ms\tp90 ms\tp99 ms\tmax ms")
	for _, op := range r.Operations {
		l := op.Latency
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\n", op.Name, op.Weight, op.Requests, op.Failed, l.P50, l.P90, l.P99, l.Max)
	}
	fmt.Fprintln(w)
	if r.Failed() {
		fmt.Fprintln(w, "result\tFAIL: server errors (5xx, INTERNAL), requests without a response, or releases without records")
	} else {
		fmt.Fprintln(w, "result\tOK: no 5xx, no INTERNAL error, every request answered, a record for every release")
	}
	return w.Flush()
}

// joinCounts prints "k: n" pairs in key order, or "none".
func joinCounts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
