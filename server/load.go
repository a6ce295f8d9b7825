package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"consentgate/consent"
	"consentgate/graph"
	"consentgate/operations"
)

// The load command drives a running gateway from many concurrent clients
// with a fixed, read-heavy mix of the demo roles' operations, for a set
// time, and reports throughput, latency percentiles, statuses and GraphQL
// error codes. It signs its own tokens for the demo identities (DemoViewers,
// the demo employers and applicant-0001..applicant-0300), so the gateway
// must run with -demo data and the same HS256 secret. Marketing and
// analysts run approved operations only: the warm-up registers the mix's
// queries for them (loadApproved) as the demo admin.
//
// It only ever talks to the one URL it is given, and refuses one whose
// host is not loopback unless -allow-remote is set.

// loadOptions configure one load run.
type loadOptions struct {
	Endpoint string        // the /graphql URL
	Clients  int           // concurrent clients, each one request at a time
	Duration time.Duration // how long clients start new requests
	Grace    time.Duration // how long requests in flight at the end may take to finish
	Secret   []byte        // HS256 secret the gateway verifies tokens with
	Seed     uint64        // random seed of the operation mix (0: a fresh one)
}

// loadGrace bounds the requests still in flight when the duration ends.
const loadGrace = 5 * time.Second

// loadApplicants is the number of demo applicant accounts the applicant
// operations spread over (applicant-0001 .. applicant-0300).
const loadApplicants = 300

func loadCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080", "base URL of the running gateway (requests go to its /graphql only)")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 60*time.Second, "how long to send requests")
	secret := fs.String("secret", "", "HS256 secret to sign the demo tokens with (default: CONSENTGATE_JWT_SECRET, else the demo secret)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	allowRemote := fs.Bool("allow-remote", false, "allow a URL whose host is not loopback")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load: unexpected argument %q", fs.Arg(0))
	}
	endpoint, err := loadEndpoint(*target, *allowRemote)
	if err != nil {
		return err
	}
	if *clients < 1 || *clients > 10000 {
		return errors.New("load: -clients must be from 1 to 10000")
	}
	if *duration <= 0 || *duration > 24*time.Hour {
		return errors.New("load: -duration must be positive and at most 24h")
	}
	key := []byte(*secret)
	if len(key) == 0 {
		key = tokenSecret()
	}
	rep, err := runLoad(ctx, loadOptions{Endpoint: endpoint, Clients: *clients, Duration: *duration, Grace: loadGrace, Secret: key})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.write(stdout)
	}
	if err != nil {
		return err
	}
	if rep.Failed() {
		return fmt.Errorf("load: %d 5xx responses, %d transport errors, %d unfinished requests, %d INTERNAL GraphQL errors",
			rep.ServerErrors, rep.TransportErrors, rep.Unfinished, rep.GraphQLErrors["INTERNAL"])
	}
	return nil
}

// loadEndpoint checks the -url flag and returns the GraphQL endpoint: the
// URL itself if its path ends in /graphql, else its path + /graphql. The
// host must be loopback (127.0.0.0/8, ::1 or localhost) unless
// allowRemote.
func loadEndpoint(raw string, allowRemote bool) (string, error) {
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

// newLoadHTTPClient returns the one client every load client shares: a
// connection per client kept alive, no proxy (requests go to the URL given
// and nowhere else) and no redirects followed.
func newLoadHTTPClient(clients int) *http.Client {
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

// loadOperation is one kind of request of the mix.
type loadOperation struct {
	name   string
	weight int
	// request returns the token ("" for anonymous) and the JSON body.
	request func(r *rand.Rand) (token string, body []byte)
}

// loadWorld is what the operations draw from: tokens and the ids found by
// the warm-up.
type loadWorld struct {
	applicants       []string // tokens of applicant-0001 .. applicant-0300
	employers        []loadEmployer
	support, analyst string
	mailMagazine     string // MARKETING under MAIL_MAGAZINE
	advertising      string // MARKETING under ADVERTISING
	marketing        string // MARKETING under all its purposes
	compliance       string
	admin            string
	jobIDs           []string
}

// loadApproved are the mix's queries for viewers held to approved
// operations (marketing, analysts): the warm-up registers each as an
// approved operation, as the demo admin, and the mix runs it by its
// documentId. The header comment makes each text, and so each id, the
// load's own.
var loadApproved = []struct {
	name, query string
	purpose     consent.Purpose
}{
	{"load_mail_magazine", loadMailQuery, consent.MailMagazine},
	{"load_advertising", loadAdsQuery, consent.Advertising},
	{"load_marketing", loadMarketingQuery, consent.MailMagazine},
	{"load_analytics", loadAnalystQuery, consent.Analytics},
}

// loadDocument is the approved document of one of loadApproved's queries.
func loadDocument(name, query string) string {
	return "# consentgate load: " + name + "\n" + query + "\n"
}

// approvedBody is the request body that runs the approved version of query
// (one of loadApproved's) by its documentId.
func approvedBody(query string) []byte {
	for _, a := range loadApproved {
		if a.query == query {
			b, err := json.Marshal(map[string]any{"documentId": operations.ID(loadDocument(a.name, a.query))})
			if err != nil {
				panic(err)
			}
			return b
		}
	}
	panic("load: not an approved query of the mix")
}

// loadEmployer is a recruiter of one demo employer and what it can reach.
type loadEmployer struct {
	org, token     string
	applicationIDs []string
	applicantIDs   []string
}

func gqlBody(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err) // only strings and simple values
	}
	return b
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

const (
	loadJobsQuery = `{ jobs(first: 20) { totalCount edges { node { id title prefecture employmentType employer { name } } } } }`
	loadMeQuery   = `{ me { id name email phone prefecture city visaStatus desiredField
  applications { totalCount edges { node { status job { title } } } } currentConsents { purpose granted withheldCategory } } }`
	loadEmployerQuery = `{ applications(first: 20) { totalCount edges { node { id status reason job { title }
  applicant { id name nameKana email phone birthDate sex prefecture city street visaStatus visaExpiresOn
    educationLevel occupation desiredField dependents hasSpouse spouseOccupation } } } } }`
	loadSupportQuery   = `{ privacyRequests(first: 20) { totalCount edges { node { id kind status dueAt applicant { id name email phone } } } } }`
	loadMailQuery      = `{ applicants(first: 50) { totalCount edges { node { id name email } } } }`
	loadAdsQuery       = `{ applicants(first: 50) { totalCount edges { node { id sex prefecture birthDate desiredField } } } }`
	loadAnalystQuery   = `{ applicants(first: 50) { totalCount edges { node { sex prefecture city birthDate visaStatus educationLevel occupation desiredField } } } }`
	loadComplianceQ    = `{ privacyRequests(first: 20) { totalCount edges { node { id kind status dueAt completedAt applicant { id createdAt name } } } } }`
	loadAdminQuery     = `{ jobs(first: 20) { totalCount edges { node { id title status } } } }`
	loadMarketingQuery = `{ applicants(first: 20) { totalCount edges { node { id name email prefecture } } } }`
	loadNodeJobQuery   = `query($id: ID!) { node(id: $id) { id ... on Job { title prefecture employer { name } } } }`
	loadNodeAppQuery   = `query($id: ID!) { node(id: $id) { id ... on Application { status job { title } applicant { name email visaStatus } } } }`
	loadNodePersonQ    = `query($id: ID!) { node(id: $id) { id ... on Applicant { name email phone prefecture visaStatus street } } }`
	loadUpdateProfile  = `mutation($city: String!) { updateMyProfile(input: {city: $city}) { id city } }`
	loadChangeConsent  = `mutation($granted: Boolean!) { changeConsent(input: {purpose: MAIL_MAGAZINE, granted: $granted}) { purpose granted policyVersion { version } } }`
)

var loadCities = []string{"Kawasaki", "Yokohama", "Saitama", "Chiba", "Sapporo", "Osaka", "Nagoya", "Fukuoka"}

// operations is the fixed mix: read-heavy, every demo role, a few writes.
// An operation whose ids the warm-up did not find has weight 0.
func (w *loadWorld) operations() []loadOperation {
	static := func(token string, query string) func(*rand.Rand) (string, []byte) {
		body := gqlBody(query, nil)
		return func(*rand.Rand) (string, []byte) { return token, body }
	}
	approved := func(token string, query string) func(*rand.Rand) (string, []byte) {
		body := approvedBody(query)
		return func(*rand.Rand) (string, []byte) { return token, body }
	}
	var withApps, withPeople []loadEmployer
	for _, e := range w.employers {
		if len(e.applicationIDs) > 0 {
			withApps = append(withApps, e)
		}
		if len(e.applicantIDs) > 0 {
			withPeople = append(withPeople, e)
		}
	}
	weightIf := func(ok bool, weight int) int {
		if ok {
			return weight
		}
		return 0
	}
	meBody := gqlBody(loadMeQuery, nil)
	employerBody := gqlBody(loadEmployerQuery, nil)
	ops := []loadOperation{
		{"jobs (anonymous)", 18, static("", loadJobsQuery)},
		{"me (applicant)", 18, func(r *rand.Rand) (string, []byte) { return pick(r, w.applicants), meBody }},
		{"applications (employer)", 14, func(r *rand.Rand) (string, []byte) { return pick(r, w.employers).token, employerBody }},
		{"privacyRequests (support)", 7, static(w.support, loadSupportQuery)},
		{"applicants (marketing, MAIL_MAGAZINE)", 5, approved(w.mailMagazine, loadMailQuery)},
		{"applicants (marketing, ADVERTISING)", 3, approved(w.advertising, loadAdsQuery)},
		{"applicants (marketing)", 2, approved(w.marketing, loadMarketingQuery)},
		{"applicants (analyst)", 8, approved(w.analyst, loadAnalystQuery)},
		{"privacyRequests (compliance)", 3, static(w.compliance, loadComplianceQ)},
		{"jobs (admin)", 2, static(w.admin, loadAdminQuery)},
		{"node job (anonymous)", weightIf(len(w.jobIDs) > 0, 6), func(r *rand.Rand) (string, []byte) {
			return "", gqlBody(loadNodeJobQuery, map[string]any{"id": pick(r, w.jobIDs)})
		}},
		{"node application (employer)", weightIf(len(withApps) > 0, 4), func(r *rand.Rand) (string, []byte) {
			e := pick(r, withApps)
			return e.token, gqlBody(loadNodeAppQuery, map[string]any{"id": pick(r, e.applicationIDs)})
		}},
		{"node applicant (employer)", weightIf(len(withPeople) > 0, 4), func(r *rand.Rand) (string, []byte) {
			e := pick(r, withPeople)
			return e.token, gqlBody(loadNodePersonQ, map[string]any{"id": pick(r, e.applicantIDs)})
		}},
		{"updateMyProfile city (applicant)", 3, func(r *rand.Rand) (string, []byte) {
			return pick(r, w.applicants), gqlBody(loadUpdateProfile, map[string]any{"city": pick(r, loadCities)})
		}},
		{"changeConsent MAIL_MAGAZINE (applicant)", 3, func(r *rand.Rand) (string, []byte) {
			return pick(r, w.applicants), gqlBody(loadChangeConsent, map[string]any{"granted": r.IntN(2) == 0})
		}},
	}
	return slices.DeleteFunc(ops, func(op loadOperation) bool { return op.weight == 0 })
}

// loadTokens signs a token for every identity of the mix, valid for ttl.
func loadTokens(secret []byte, ttl time.Duration) (*loadWorld, error) {
	now := time.Now()
	sign := func(v consent.Viewer) (string, error) { return SignToken(secret, v, ttl, now) }
	w := &loadWorld{}
	for i := 1; i <= loadApplicants; i++ {
		tok, err := sign(consent.Viewer{Account: fmt.Sprintf("applicant-%04d", i), Role: consent.Applicant})
		if err != nil {
			return nil, err
		}
		w.applicants = append(w.applicants, tok)
	}
	for _, e := range demoEmployers {
		account := "recruiter-" + e.externalID + "-1"
		for _, v := range DemoViewers {
			if v.Role == consent.Employer && v.Org == e.externalID {
				account = v.Account
			}
		}
		tok, err := sign(consent.Viewer{Account: account, Role: consent.Employer, Org: e.externalID})
		if err != nil {
			return nil, err
		}
		w.employers = append(w.employers, loadEmployer{org: e.externalID, token: tok})
	}
	for _, v := range DemoViewers {
		var dst *string
		switch v.Role {
		case consent.Support:
			dst = &w.support
		case consent.Marketing:
			dst = &w.marketing
		case consent.Analyst:
			dst = &w.analyst
		case consent.Compliance:
			dst = &w.compliance
		case consent.Admin:
			dst = &w.admin
		default:
			continue
		}
		tok, err := sign(v)
		if err != nil {
			return nil, err
		}
		*dst = tok
		if v.Role == consent.Marketing {
			for _, p := range []struct {
				purpose consent.Purpose
				dst     *string
			}{{consent.MailMagazine, &w.mailMagazine}, {consent.Advertising, &w.advertising}} {
				v.Purpose = p.purpose
				if *p.dst, err = sign(v); err != nil {
					return nil, err
				}
			}
		}
	}
	for name, tok := range map[string]string{"SUPPORT": w.support, "MARKETING": w.marketing, "ANALYST": w.analyst, "COMPLIANCE": w.compliance, "ADMIN": w.admin} {
		if tok == "" {
			return nil, fmt.Errorf("load: no demo viewer for %s", name)
		}
	}
	return w, nil
}

// post sends one GraphQL request and reads the whole response.
func loadPost(ctx context.Context, hc *http.Client, endpoint, token string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return resp.StatusCode, data, err
}

// warmUp registers the approved operations of the mix (loadApproved; one
// already registered is fine) and finds ids for the node operations:
// published jobs (anonymous) and, per employer, its applications and their
// applicants. It also fails fast when the gateway is not there or refuses
// the tokens.
func (w *loadWorld) warmUp(ctx context.Context, hc *http.Client, endpoint string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	query := func(token, q string, into any) error {
		status, data, err := loadPost(ctx, hc, endpoint, token, gqlBody(q, nil))
		switch {
		case err != nil:
			return fmt.Errorf("load: the gateway at %s does not answer: %w", endpoint, err)
		case status == http.StatusUnauthorized:
			return fmt.Errorf("load: the gateway refused the load's tokens (401): -secret must be its CONSENTGATE_JWT_SECRET (the demo secret with -demo)")
		case status != http.StatusOK:
			return fmt.Errorf("load: warm-up request answered %d: %.200s", status, data)
		}
		return json.Unmarshal(data, into)
	}
	var jobs struct {
		Data struct {
			Jobs struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	if err := query("", `{ jobs(first: 100) { edges { node { id } } } }`, &jobs); err != nil {
		return err
	}
	for _, a := range loadApproved {
		var resp struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		in := map[string]any{"name": a.name, "purpose": a.purpose, "document": loadDocument(a.name, a.query),
			"approvedBy": "consentgate load (demo data only)"}
		status, data, err := loadPost(ctx, hc, endpoint, w.admin, gqlBody(registerOperationMutation, map[string]any{"in": in}))
		switch {
		case err != nil:
			return fmt.Errorf("load: the gateway at %s does not answer: %w", endpoint, err)
		case status != http.StatusOK:
			return fmt.Errorf("load: registering the approved operation %s answered %d: %.200s", a.name, status, data)
		case json.Unmarshal(data, &resp) != nil:
			return fmt.Errorf("load: registering the approved operation %s: not a GraphQL response", a.name)
		case len(resp.Errors) > 0 && resp.Errors[0].Extensions.Code != graph.CodeOperationExists:
			return fmt.Errorf("load: registering the approved operation %s: %s", a.name, resp.Errors[0].Message)
		}
	}
	for _, e := range jobs.Data.Jobs.Edges {
		w.jobIDs = append(w.jobIDs, e.Node.ID)
	}
	for i := range w.employers {
		e := &w.employers[i]
		var apps struct {
			Data struct {
				Applications struct {
					Edges []struct {
						Node struct {
							ID        string
							Applicant *struct{ ID string }
						}
					}
				}
			}
		}
		if err := query(e.token, `{ applications(first: 100) { edges { node { id applicant { id } } } } }`, &apps); err != nil {
			return err
		}
		for _, edge := range apps.Data.Applications.Edges {
			e.applicationIDs = append(e.applicationIDs, edge.Node.ID)
			if edge.Node.Applicant != nil && !slices.Contains(e.applicantIDs, edge.Node.Applicant.ID) {
				e.applicantIDs = append(e.applicantIDs, edge.Node.Applicant.ID)
			}
		}
	}
	return nil
}

// loadTally is what one client saw; clients never share one.
type loadTally struct {
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

func newLoadTally(ops int) *loadTally {
	return &loadTally{latencies: make([][]time.Duration, ops), opErrors: make([]int, ops),
		status: map[int]int{}, codes: map[string]int{}, samples: map[string]bool{}}
}

// record counts one exchange.
func (t *loadTally) record(op int, elapsed time.Duration, status int, body []byte, err error, parent, run context.Context) {
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

// runLoad runs the mix against o.Endpoint and returns the report. Clients
// start requests until o.Duration has passed; requests still in flight
// then have o.Grace to finish, after which they are cut off and counted as
// unfinished. Cancelling ctx stops everything early (the report says so).
func runLoad(ctx context.Context, o loadOptions) (*LoadReport, error) {
	if o.Clients < 1 || o.Duration <= 0 {
		return nil, errors.New("load: clients and duration must be positive")
	}
	if o.Grace <= 0 {
		o.Grace = loadGrace
	}
	w, err := loadTokens(o.Secret, o.Duration+o.Grace+time.Hour)
	if err != nil {
		return nil, err
	}
	hc := newLoadHTTPClient(o.Clients)
	defer hc.CloseIdleConnections()
	relBefore, recBefore, auditOK := auditCounters(ctx, hc, o.Endpoint)
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
	tallies := make([]*loadTally, o.Clients)
	var wg sync.WaitGroup
	for c := range o.Clients {
		t := newLoadTally(len(ops))
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
				status, data, err := loadPost(run, hc, o.Endpoint, token, body)
				t.record(op, time.Since(began), status, data, err, ctx, run)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	rep := &LoadReport{
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
		rep.Operations = append(rep.Operations, LoadOperationReport{
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
	if relAfter, recAfter, ok := auditCounters(ctx, hc, o.Endpoint); ok && auditOK {
		rep.AuditChecked = true
		rep.Releases, rep.AccessRecords = relAfter-relBefore, recAfter-recBefore
	}
	return rep, nil
}

// auditCounters reads the gateway's release and access record counters
// from its /metrics (beside /graphql); ok is false when they cannot be read.
func auditCounters(ctx context.Context, hc *http.Client, endpoint string) (releases, records int, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(endpoint, "/graphql")+"/metrics", nil)
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

// LoadReport is the result of a load run (the -json output).
type LoadReport struct {
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
	TransportErrors       int                   `json:"transportErrors"`
	TransportErrorSamples []string              `json:"transportErrorSamples,omitempty"`
	Unfinished            int                   `json:"unfinished"`
	Aborted               int                   `json:"aborted"`
	Interrupted           bool                  `json:"interrupted"`
	Operations            []LoadOperationReport `json:"operations"`
	// Releases of personal data and the access records written for them
	// during the run, from the gateway's /metrics (AuditChecked: read).
	AuditChecked  bool `json:"auditChecked"`
	Releases      int  `json:"releases"`
	AccessRecords int  `json:"accessRecords"`
}

// LoadOperationReport is one operation of the mix.
type LoadOperationReport struct {
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
func (r *LoadReport) Failed() bool {
	return r.ServerErrors > 0 || r.TransportErrors > 0 || r.Unfinished > 0 || r.GraphQLErrors["INTERNAL"] > 0 ||
		(r.AuditChecked && r.Releases != r.AccessRecords)
}

// write prints the report for people.
func (r *LoadReport) write(out io.Writer) error {
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
