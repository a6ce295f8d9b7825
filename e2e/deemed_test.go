package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/gateway"
)

func privacyAllow() context.Context {
	return privacy.DecisionContext(context.Background(), privacy.Allow)
}

// Policy changes that gate (§8, issue 13): a version takes effect after
// the notice period; until then nothing changes; from then a grant of a
// purpose it changed stands on deemed agreement unless the applicant
// objected (withdrawn from the effective time, not before) or the change
// needs an explicit grant (provision to employers, an added purpose).

// policyClockFixture is the e2e fixture served by a gateway whose clock
// the test moves on.
func policyClockFixture(t *testing.T, client *ent.Client) (*fixture, *fakeClock) {
	f := newFixture(t, client)
	clock := &fakeClock{t: time.Now()}
	f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Now = clock.Now })
	return f, clock
}

// publishAt publishes version, effective at, changing (and adding) the
// purposes given, as the admin.
func (f *fixture) publishAt(t *testing.T, version string, at time.Time, changed, added []string) gqlResponse {
	t.Helper()
	in := versionInput(version, at, changed...)
	if added != nil {
		in["in"].(map[string]any)["addedPurposes"] = added
	}
	return f.post(t, as("admin"), publishVersion, in)
}

const objectMutation = `mutation($v: String!) { objectToPolicyVersion(version: $v) { policyVersion { version } inForce objectedAt } }`

const standingStatusQuery = `{ me { currentConsents { purpose granted category: withheldCategory employer { name }
  standing { basis status applies policyVersion { version } } } } }`

// applies reports whether the standing label says a whole-purpose grant
// of purpose applies now to the applicant account (towards every
// employer or towards acme, for EMPLOYER_PROVISION).
func (f *fixture) applies(t *testing.T, account, purpose string) (bool, string) {
	t.Helper()
	v := consent.Viewer{Account: account, Role: consent.Applicant}
	r := f.post(t, &v, standingStatusQuery, nil)
	cs, ok := dig(r.Data, "me", "currentConsents").([]any)
	if !ok {
		t.Fatalf("no consents: %s", r.Raw)
	}
	applies, statuses := false, []string{}
	for _, c := range cs {
		if dig(c, "purpose") != purpose || dig(c, "category") != nil {
			continue
		}
		if emp := dig(c, "employer", "name"); emp != nil && emp != "Acme K.K." {
			continue
		}
		statuses = append(statuses, fmt.Sprint(dig(c, "standing", "status")))
		if dig(c, "standing", "applies") == true {
			applies = true
		}
	}
	return applies, strings.Join(statuses, ",")
}

// released returns what the purpose's viewer gets of the applicants, and
// whether account's name is in it.
func (f *fixture) released(t *testing.T, purpose, account string) (string, bool) {
	t.Helper()
	viewer, query := as("mailer"), `{ applicants(first: 50) { edges { node { name email } } } }`
	if purpose == "EMPLOYER_PROVISION" {
		viewer, query = as("acme"), `{ applicants { edges { node { name email } } } }`
	}
	r := f.post(t, viewer, query, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %s", purpose, r.Raw)
	}
	return r.Raw, strings.Contains(r.Raw, canary(account, "name"))
}

// withoutSubject removes account's node from a released page (name and
// email), so that two worlds can be compared everywhere else.
func withoutSubject(raw, account string) string {
	return strings.NewReplacer(`{"node":{"name":"`+canary(account, "name")+`","email":"`+account+`.mail@canary.example"}},`, "",
		`,{"node":{"name":"`+canary(account, "name")+`","email":"`+account+`.mail@canary.example"}}`, "",
		`{"node":{"name":"`+canary(account, "name")+`","email":"`+account+`.mail@canary.example"}}`, "").Replace(raw)
}

// TestPolicyChangeGates: a table of policy versions (one that changes the
// mail magazine, which applicants may be deemed to agree to, and provision
// to employers, which they may not; one that adds the mail magazine as a
// new purpose), each in two worlds that differ only in objections (none;
// carol objects in the notice period and dave once the version is in
// force), observed before and after the effective time through what each
// purpose's viewer receives (the mailer, acme) and the applicants'
// standing labels:
//   - before the effective time nothing changes, objection or not: the
//     two worlds answer alike;
//   - after it a deemed change releases, an objected one does not, and a
//     change that needs an explicit grant does not until the applicant
//     grants again (changeConsent) or acknowledges the version;
//   - the worlds differ only in the objecting applicants;
//   - the label's "applies" is what the engine does, in every case.
func TestPolicyChangeGates(t *testing.T) {
	type purpose struct {
		name, subject string // the subject consented before the version, as carol and dave did
		deemed        bool   // a grant given before stands on deemed agreement
	}
	versions := []struct {
		name     string
		changed  []string
		added    []string
		purposes []purpose
	}{
		{"mail magazine and provision changed", []string{"MAIL_MAGAZINE", "EMPLOYER_PROVISION"}, nil,
			[]purpose{{"MAIL_MAGAZINE", "bob", true}, {"EMPLOYER_PROVISION", "alice", false}}},
		{"mail magazine added", []string{}, []string{"MAIL_MAGAZINE"}, []purpose{{"MAIL_MAGAZINE", "bob", false}}},
	}
	objectors := []string{"carol", "dave"} // carol in the notice period, dave once in force
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, version := range versions {
				t.Run(version.name, func(t *testing.T) {
					type world struct {
						f     *fixture
						clock *fakeClock
					}
					worlds := map[bool]*world{}
					for _, objecting := range []bool{false, true} {
						f, clock := policyClockFixture(t, b.open(t))
						worlds[objecting] = &world{f, clock}
						// carol and dave consent as the subjects did: to the
						// mail magazine, and to acme by applying.
						ctx := privacyAllow()
						j := f.client.Job.Create().SetEmployer(f.employers["acme"]).SetTitle("Acme second").SetDescription("d").
							SetPrefecture("Tokyo").SetField("Software").SetEmploymentType("FULL_TIME").SetStatus("PUBLISHED").SaveX(ctx)
						inTx(t, f.client, func(client *ent.Client) {
							for _, a := range objectors {
								client.Application.Create().SetApplicant(f.applicants[a]).SetJob(j).SetReason(canary(a, "reason")).SaveX(ctx)
							}
						})
						for _, a := range objectors {
							f.grant(t, a, "MAIL_MAGAZINE", nil, "", true)
						}
					}
					// check compares, per purpose, what its viewer receives
					// with want and with the standing labels, and returns
					// the responses.
					check := func(when string, w *world, want func(p purpose, account string) bool) map[string]string {
						t.Helper()
						out := map[string]string{}
						for _, p := range version.purposes {
							raw, _ := w.f.released(t, p.name, "")
							out[p.name] = raw
							for _, a := range append([]string{p.subject}, objectors...) {
								released := strings.Contains(raw, canary(a, "name"))
								applies, statuses := w.f.applies(t, a, p.name)
								if released != want(p, a) {
									t.Errorf("%s: %s: %s released %v, want %v (standing %s)", when, p.name, a, released, want(p, a), statuses)
								}
								if applies != released {
									t.Errorf("%s: %s: %s's standing %s says applies=%v, the engine released %v", when, p.name, a, statuses, applies, released)
								}
							}
						}
						return out
					}
					all := func(purpose, string) bool { return true }

					// Published, in its notice period: carol objects (in the
					// objecting world); nothing changes yet.
					for objecting, w := range worlds {
						if r := w.f.publishAt(t, "2026-09", w.clock.Now().Add(31*day), version.changed, version.added); len(r.Errors) > 0 {
							t.Fatalf("publish: %s", r.Raw)
						}
						if objecting {
							r := w.f.post(t, applicantViewer("carol"), objectMutation, map[string]any{"v": "2026-09"})
							if dig(r.Data, "objectToPolicyVersion", "objectedAt") == nil || dig(r.Data, "objectToPolicyVersion", "inForce") != false {
								t.Fatalf("object in notice: %s", r.Raw)
							}
						}
					}
					quiet, objected := check("in notice, quiet", worlds[false], all), check("in notice, objected", worlds[true], all)
					if fmt.Sprint(quiet) != fmt.Sprint(objected) {
						t.Errorf("in notice, an objection changed what is released:\n%s\n%s", quiet, objected)
					}

					// In force: dave objects (in the objecting world).
					for objecting, w := range worlds {
						w.clock.Add(32 * day)
						if objecting {
							if r := w.f.post(t, applicantViewer("dave"), objectMutation, map[string]any{"v": "2026-09"}); dig(r.Data, "objectToPolicyVersion", "inForce") != true {
								t.Fatalf("object in force: %s", r.Raw)
							}
						}
					}
					quiet = check("in force, quiet", worlds[false], func(p purpose, _ string) bool { return p.deemed })
					objected = check("in force, objected", worlds[true], func(p purpose, a string) bool { return p.deemed && a == p.subject })
					for p := range quiet {
						q, o := quiet[p], objected[p]
						for _, a := range objectors {
							q, o = withoutSubject(q, a), withoutSubject(o, a)
						}
						if q != o {
							t.Errorf("in force, %s: the worlds differ beyond the objectors:\n%s\n%s", p, quiet[p], objected[p])
						}
					}

					// Granting again, or acknowledging the version, is the
					// explicit grant: it applies from then, objection or not.
					w := worlds[true]
					for _, p := range version.purposes {
						grant := map[string]any{"purpose": p.name, "granted": true}
						if p.name == "EMPLOYER_PROVISION" {
							grant["employerID"] = w.f.employers["acme"].ID
						}
						for _, a := range append([]string{p.subject}, objectors...) {
							if r := w.f.post(t, applicantViewer(a), changeConsent, map[string]any{"in": grant}); len(r.Errors) > 0 {
								t.Fatalf("%s grants again: %s", a, r.Raw)
							}
						}
					}
					check("granted again", w, all)
					w = worlds[false]
					ack := `mutation($v: String!) { acknowledgePolicyVersion(version: $v) { acknowledgedAt } }`
					for _, p := range version.purposes {
						if r := w.f.post(t, applicantViewer(p.subject), ack, map[string]any{"v": "2026-09"}); len(r.Errors) > 0 {
							t.Fatalf("acknowledge: %s", r.Raw)
						}
					}
					check("acknowledged by the subjects", w, func(p purpose, a string) bool { return p.deemed || a == p.subject })
				})
			}
		})
	}
}

// TestPolicyNoticePeriod: a version takes effect no sooner than the
// policy's notice period after it is published; sooner is refused with
// NOTICE_PERIOD, naming the rule, not the value.
func TestPolicyNoticePeriod(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f, clock := policyClockFixture(t, client)
		for _, c := range []struct {
			name string
			at   time.Duration
			code string
		}{
			{"now", 0, "NOTICE_PERIOD"},
			{"tomorrow", day, "NOTICE_PERIOD"},
			{"a day short", 29 * day, "NOTICE_PERIOD"},
			{"in the past", -day, "BAD_USER_INPUT"},
			{"after the notice period", 30 * day, ""},
		} {
			r := f.publishAt(t, "v-"+strings.ReplaceAll(c.name, " ", "-"), clock.Now().Add(c.at), []string{"MAIL_MAGAZINE"}, nil)
			if errorCode(r) != c.code || (c.code == "NOTICE_PERIOD" && !strings.Contains(r.Raw, "noticeDays")) {
				t.Errorf("%s: %s", c.name, r.Raw)
			}
		}
		// The notice period is the policy's.
		p := *consent.DefaultPolicy()
		p.PolicyChanges.NoticePeriod = 7 * day
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Now = clock.Now; gw.Policy = &p })
		if r := f.publishAt(t, "v-a-week", clock.Now().Add(7*day), []string{"FEEDBACK"}, nil); len(r.Errors) > 0 {
			t.Errorf("a week's notice under a policy of a week: %s", r.Raw)
		}
	})
}
