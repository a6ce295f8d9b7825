package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/operations"
)

// operation is one kind of request of the mix.
type operation struct {
	name   string
	weight int
	// request returns the token ("" for anonymous) and the JSON body.
	request func(r *rand.Rand) (token string, body []byte)
}

// world is what the operations draw from: tokens and the ids found by
// the warm-up.
type world struct {
	applicants       []string // tokens of applicant-0001 .. applicant-N
	employers        []employer
	support, analyst string
	mailMagazine     string // MARKETING under MAIL_MAGAZINE
	advertising      string // MARKETING under ADVERTISING
	marketing        string // MARKETING under all its purposes
	compliance       string
	admin            string
	approver         string // a second admin, who approves what admin registers
	jobIDs           []string
}

// loadApproved are the mix's queries for viewers held to approved
// operations (marketing, analysts): the warm-up registers each as the demo
// admin, approves it as a second admin (LoadApprover), and the mix runs it by its
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

// employer is a recruiter of one demo employer and what it can reach.
type employer struct {
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
func (w *world) operations() []operation {
	static := func(token string, query string) func(*rand.Rand) (string, []byte) {
		body := gqlBody(query, nil)
		return func(*rand.Rand) (string, []byte) { return token, body }
	}
	approved := func(token string, query string) func(*rand.Rand) (string, []byte) {
		body := approvedBody(query)
		return func(*rand.Rand) (string, []byte) { return token, body }
	}
	var withApps, withPeople []employer
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
	ops := []operation{
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
	return slices.DeleteFunc(ops, func(op operation) bool { return op.weight == 0 })
}

// LoadApprover is the second admin account the load signs a token for, to
// approve the operations the demo admin registers for it.
const LoadApprover = "consentgate-load-approver"

// signTokens signs a token for every identity of the mix, valid for ttl.
func signTokens(signer func(consent.Viewer, time.Duration) (string, error), ids Identities, ttl time.Duration) (*world, error) {
	sign := func(v consent.Viewer) (string, error) { return signer(v, ttl) }
	w := &world{}
	for i := 1; i <= ids.Applicants; i++ {
		tok, err := sign(consent.Viewer{Account: fmt.Sprintf("applicant-%04d", i), Role: consent.Applicant})
		if err != nil {
			return nil, err
		}
		w.applicants = append(w.applicants, tok)
	}
	for _, org := range ids.Employers {
		account := "recruiter-" + org + "-1"
		for _, v := range ids.Viewers {
			if v.Role == consent.Employer && v.Org == org {
				account = v.Account
			}
		}
		tok, err := sign(consent.Viewer{Account: account, Role: consent.Employer, Org: org})
		if err != nil {
			return nil, err
		}
		w.employers = append(w.employers, employer{org: org, token: tok})
	}
	for _, v := range ids.Viewers {
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
	approver, err := sign(consent.Viewer{Account: LoadApprover, Role: consent.Admin})
	if err != nil {
		return nil, err
	}
	w.approver = approver
	for name, tok := range map[string]string{"SUPPORT": w.support, "MARKETING": w.marketing, "ANALYST": w.analyst, "COMPLIANCE": w.compliance, "ADMIN": w.admin} {
		if tok == "" {
			return nil, fmt.Errorf("load: no demo viewer for %s", name)
		}
	}
	return w, nil
}

// post sends one GraphQL request and reads the whole response.
func post(ctx context.Context, hc *http.Client, endpoint, token string, body []byte) (int, []byte, error) {
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
func (w *world) warmUp(ctx context.Context, hc *http.Client, endpoint string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	query := func(token, q string, into any) error {
		status, data, err := post(ctx, hc, endpoint, token, gqlBody(q, nil))
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
	// Each is registered by the demo admin and approved by a second admin
	// account, as the API requires.
	registrar := operations.Pusher{Endpoint: endpoint, Token: w.admin, Client: hc}
	approver := operations.Pusher{Endpoint: endpoint, Token: w.approver, Client: hc}
	for _, a := range loadApproved {
		f := operations.File{Name: a.name, Purpose: string(a.purpose), Document: loadDocument(a.name, a.query)}
		if _, err := registrar.Push(ctx, f); err != nil {
			return fmt.Errorf("load: registering the approved operation %s: %w", a.name, err)
		}
		if _, err := approver.Approve(ctx, f); err != nil {
			return fmt.Errorf("load: approving the operation %s: %w", a.name, err)
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
