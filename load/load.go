// Package load drives a running gateway from many concurrent clients
// with a fixed, read-heavy mix of the demo roles' operations, for a set
// time, and reports throughput, latency percentiles, statuses and GraphQL
// error codes. It signs its own tokens for the demo identities it is given
// (Identities: the demo viewers, the demo employers and applicant-0001..
// applicant-0300), so the gateway must run with -demo data and accept the
// signer's tokens. Marketing and
// analysts run approved operations only: the warm-up registers the mix's
// queries for them (loadApproved) as the demo admin and approves them as a
// second admin (LoadApprover).
//
// It only ever talks to the one URL it is given, and refuses one whose
// host is not loopback unless -allow-remote is set.
//
// It talks to the gateway over HTTP only: it must not import the gateway,
// its database or the command.
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"consentgate/consent"
)

// Options configure one load run.
type Options struct {
	Endpoint string        // the /graphql URL
	Metrics  string        // the gateway's /metrics URL (on its metrics listener), read for the audit counters; "": not read
	Clients  int           // concurrent clients, each one request at a time
	Duration time.Duration // how long clients start new requests
	Grace    time.Duration // how long requests in flight at the end may take to finish
	Seed     uint64        // random seed of the operation mix (0: a fresh one)
	// Sign signs a token for v valid for ttl, in the form the gateway
	// verifies (the command signs HS256 with the gateway's secret).
	Sign func(v consent.Viewer, ttl time.Duration) (string, error)
	// Identities are the accounts the mix acts as.
	Identities Identities
}

// Identities are the demo accounts a run signs tokens for: one viewer per
// role (an employer's recruiter among them), the employers' organisations
// (a recruiter "recruiter-ORG-1" for each one without a viewer), and the
// applicant accounts applicant-0001 .. applicant-N.
type Identities struct {
	Viewers    []consent.Viewer
	Employers  []string
	Applicants int
}

// DefaultGrace bounds the requests still in flight when the duration ends.
const DefaultGrace = 5 * time.Second

// Endpoint checks the -url flag and returns the GraphQL endpoint: the
// URL itself if its path ends in /graphql, else its path + /graphql. The
// host must be loopback (127.0.0.0/8, ::1 or localhost) unless
// allowRemote.
func Endpoint(raw string, allowRemote bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("load: -url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("load: -url must be an http:// or https:// URL, got %q", raw)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("load: -url must be a plain base URL such as http://127.0.0.1:8080, got %q", raw)
	}
	if !allowRemote && !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("load: -url host %q is not loopback (127.0.0.0/8, ::1, localhost); pass -allow-remote to load another host", u.Hostname())
	}
	if !strings.HasSuffix(u.Path, "/graphql") {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/graphql"
	}
	return u.String(), nil
}

// MetricsURL checks the URL of a gateway's metrics (its metrics listener,
// see CONSENTGATE_METRICS_LISTEN) as Endpoint checks the API's, and adds
// the path /metrics if it has none. "" or "off": the counters are not read.
func MetricsURL(raw string, allowRemote bool) (string, error) {
	if raw == "" || raw == "off" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("load: -metrics must be a plain http:// URL such as http://127.0.0.1:9090/metrics, got %q", raw)
	}
	if !allowRemote && !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("load: -metrics host %q is not loopback (127.0.0.0/8, ::1, localhost); pass -allow-remote to read another host", u.Hostname())
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/metrics"
	}
	return u.String(), nil
}

// isLoopbackHost reports whether host is localhost or a loopback address.
// Names other than localhost are never resolved: a name could point
// anywhere.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newHTTPClient returns the one client every load client shares: a
// connection per client kept alive, no proxy (requests go to the URL given
// and nowhere else) and no redirects followed.
func newHTTPClient(clients int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          clients,
			MaxIdleConnsPerHost:   clients,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run runs the mix against o.Endpoint and returns the report. Clients
// start requests until o.Duration has passed; requests still in flight
// then have o.Grace to finish, after which they are cut off and counted as
// unfinished. Cancelling ctx stops everything early (the report says so).
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Clients < 1 || o.Duration <= 0 {
		return nil, errors.New("load: clients and duration must be positive")
	}
	if o.Sign == nil {
		return nil, errors.New("load: no token signer")
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	w, err := signTokens(o.Sign, o.Identities, o.Duration+o.Grace+time.Hour)
	if err != nil {
		return nil, err
	}
	hc := newHTTPClient(o.Clients)
	defer hc.CloseIdleConnections()
	relBefore, recBefore, auditOK := auditCounters(ctx, hc, o.Metrics)
	if err := w.warmUp(ctx, hc, o.Endpoint); err != nil {
		return nil, err
	}
	ops := w.operations()
	total := 0
	for _, op := range ops {
		total += op.weight
	}
	seed := o.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}

	start := time.Now()
	end := start.Add(o.Duration)
	run, cancel := context.WithDeadline(ctx, end.Add(o.Grace))
	defer cancel()
	tallies := make([]*tally, o.Clients)
	var wg sync.WaitGroup
	for c := range o.Clients {
		t := newTally(len(ops))
		tallies[c] = t
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(c)))
			for run.Err() == nil && time.Now().Before(end) {
				n, op := r.IntN(total), 0
				for n >= ops[op].weight {
					n -= ops[op].weight
					op++
				}
				token, body := ops[op].request(r)
				began := time.Now()
				status, data, err := post(run, hc, o.Endpoint, token, body)
				t.record(op, time.Since(began), status, data, err, ctx, run)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	rep := &Report{
		Endpoint: o.Endpoint, Clients: o.Clients, Duration: o.Duration.String(),
		ElapsedSeconds: elapsed.Seconds(), Status: map[string]int{}, GraphQLErrors: map[string]int{},
		Interrupted: ctx.Err() != nil,
	}
	var all []time.Duration
	samples := map[string]bool{}
	for i, op := range ops {
		var lat []time.Duration
		errs := 0
		for _, t := range tallies {
			lat = append(lat, t.latencies[i]...)
			errs += t.opErrors[i]
		}
		all = append(all, lat...)
		rep.Operations = append(rep.Operations, OperationReport{
			Name: op.name, Weight: op.weight, Requests: len(lat), Failed: errs, Latency: summarize(lat),
		})
	}
	for _, t := range tallies {
		for s, n := range t.status {
			rep.Status[strconv.Itoa(s)] += n
			if s >= 500 {
				rep.ServerErrors += n
			}
		}
		for c, n := range t.codes {
			rep.GraphQLErrors[c] += n
		}
		rep.ResponsesWithErrors += t.withErrors
		rep.TransportErrors += t.transport
		rep.Unfinished += t.unfinished
		rep.Aborted += t.aborted
		for s := range t.samples {
			samples[s] = true
		}
	}
	for s := range samples {
		rep.TransportErrorSamples = append(rep.TransportErrorSamples, s)
	}
	sort.Strings(rep.TransportErrorSamples)
	rep.Requests = len(all)
	rep.RequestsPerSecond = float64(len(all)) / elapsed.Seconds()
	rep.Latency = summarize(all)
	if relAfter, recAfter, ok := auditCounters(ctx, hc, o.Metrics); ok && auditOK {
		rep.AuditChecked = true
		rep.Releases, rep.AccessRecords = relAfter-relBefore, recAfter-recBefore
	}
	return rep, nil
}

// auditCounters reads the gateway's release and access record counters
// from its /metrics (served on the gateway's metrics listener, not beside
// /graphql); ok is false when they cannot be read.
func auditCounters(ctx context.Context, hc *http.Client, metrics string) (releases, records int, ok bool) {
	if metrics == "" {
		return 0, 0, false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metrics, nil)
	if err != nil {
		return 0, 0, false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, 0, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return 0, 0, false
	}
	found := 0
	for _, line := range strings.Split(string(body), "\n") {
		name, value, cut := strings.Cut(line, " ")
		if !cut {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case "consentgate_releases_total":
			releases, found = int(f), found+1
		case "consentgate_access_records_total":
			records, found = int(f), found+1
		}
	}
	return releases, records, found == 2
}
