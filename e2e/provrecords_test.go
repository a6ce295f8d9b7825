package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/consentstate"
	"consentgate/ent/employer"
	"consentgate/ent/privacy"
	"consentgate/ent/retentionaction"
	"consentgate/ent/sealedsubject"
	"consentgate/records"
)

// Records of provision (issue 13): each access record names the recipient
// organisation and its legal name as it stood, the consent entry or the
// access grant the release relied on; an erased subject's identity stays
// sealed beside their records for their legal period, read only by
// compliance under a legal-basis grant naming them, and purged after.

// provisionLine is what a record of provision shows through the API.
const provisionLine = `at viewerOrg recipientName purpose legalBasis consentID grantID subjectRef releases { category outcome }`

// inForce returns the consent ledger entry in force for account's whole
// purpose towards employer (nil: all employers), as the consent state
// holds it.
func (f *fixture) inForce(t *testing.T, account string, purpose consent.Purpose, to *ent.Employer) int {
	t.Helper()
	recipient := 0
	if to != nil {
		recipient = to.ID
	}
	line, err := f.client.ConsentState.Query().Where(consentstate.ApplicantID(f.applicants[account].ID),
		consentstate.PurposeEQ(consentstate.Purpose(purpose)), consentstate.Category(""), consentstate.RecipientID(recipient)).
		Only(privacy.DecisionContext(context.Background(), privacy.Allow))
	if err != nil {
		t.Fatalf("%s's %s line: %v", account, purpose, err)
	}
	return line.ConsentID
}

// recordsBy returns the access records viewer's account wrote since the
// first n records.
func recordsBy(t *testing.T, client *ent.Client, n int, viewer *consent.Viewer) []*ent.AccessRecord {
	t.Helper()
	var out []*ent.AccessRecord
	for _, r := range accessRecords(t, client)[n:] {
		if r.ViewerAccount == viewer.Account {
			out = append(out, r)
		}
	}
	return out
}

// liveGrant opens a grant as compliance for the subject named by subject
// (an applicant's id, or a pseudonym) and has the approver approve it,
// returning its id.
func (f *fixture) liveGrant(t *testing.T, subject any, basis string) int {
	t.Helper()
	id := mustGrant(t, f.requestGrantOf(t, as("compliance"), subject, basis), "requestAccessGrant")["id"]
	mustGrant(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant")
	return idOf(t, id)
}

// requestGrantOf is requestGrant naming the subject by id (an int) or by
// pseudonym (a string).
func (f *fixture) requestGrantOf(t *testing.T, viewer *consent.Viewer, subject any, basis string) gqlResponse {
	t.Helper()
	in := map[string]any{"basis": basis, "reference": "Tokyo District Court order 2026-123",
		"justification": "Production ordered in a pending civil case concerning this applicant."}
	switch s := subject.(type) {
	case int:
		in["subjectID"] = s
	case string:
		in["subjectRef"] = s
	}
	return f.post(t, viewer, `mutation($in: CreateAccessGrantInput!) { requestAccessGrant(input: $in) { id subjectID subjectRef live } }`,
		map[string]any{"in": in})
}

// TestRecordsOfProvision: each record names the recipient's organisation
// and its legal name at the time (a later rename leaves it), and the
// consent entry the release relied on (the entry in force for the purpose,
// towards that employer) or, under a legal basis, the grant; compliance
// reads them all, the subject their own, through the API.
func TestRecordsOfProvision(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		acme, globex := f.employers["acme"], f.employers["globex"]
		alice, bob := f.applicants["alice"], f.applicants["bob"]
		const read = `{ applications { edges { node { applicant { name email } } } } }`

		n := len(accessRecords(t, client))
		f.post(t, as("acme"), read, nil)
		f.post(t, as("globex"), read, nil)
		f.post(t, as("mailer"), `{ applicants { edges { node { name } } } }`, nil)
		f.post(t, as("support"), `{ applicants { edges { node { name } } } }`, nil)
		grant := f.liveGrant(t, alice.ID, "LAW")
		f.post(t, as("compliance"), fmt.Sprintf(`{ applicant(id: %d) { name } }`, alice.ID), nil)

		type want struct {
			recipient   string
			consent     int // 0: none
			grant       int // 0: none
			legalBasis  string
			subjectsMin int
		}
		wants := map[string]want{
			"acme":       {recipient: "Acme Kabushiki Kaisha", consent: f.inForce(t, "alice", consent.EmployerProvision, acme), subjectsMin: 1},
			"globex":     {recipient: "Globex G.K.", consent: f.inForce(t, "bob", consent.EmployerProvision, globex), subjectsMin: 1},
			"mailer":     {consent: f.inForce(t, "bob", consent.MailMagazine, nil), subjectsMin: 1},
			"support":    {subjectsMin: 1},
			"compliance": {grant: grant, legalBasis: "LAW", subjectsMin: 1},
		}
		for who, w := range wants {
			rs := recordsBy(t, client, n, as(who))
			if len(rs) < w.subjectsMin {
				t.Fatalf("%s: %d records", who, len(rs))
			}
			for _, r := range rs {
				if r.RecipientName != w.recipient || deref(r.ConsentID) != w.consent || deref(r.GrantID) != w.grant || r.LegalBasis != w.legalBasis {
					t.Errorf("%s's record %d: recipient %q consent %v grant %v basis %q, want %+v", who, r.ID, r.RecipientName,
						deref(r.ConsentID), deref(r.GrantID), r.LegalBasis, w)
				}
			}
		}
		if w := wants["acme"]; w.consent == 0 || w.consent == wants["globex"].consent {
			t.Fatalf("consent entries %+v", wants)
		}

		// Renamed later: the records keep the name the recipient had.
		client.Employer.Update().Where(employer.ExternalID("acme")).SetLegalName("Acme Holdings Kabushiki Kaisha").ExecX(sys)
		m := len(accessRecords(t, client))
		f.post(t, as("acme"), read, nil)
		if rs := recordsBy(t, client, m, as("acme")); len(rs) != 1 || rs[0].RecipientName != "Acme Holdings Kabushiki Kaisha" {
			t.Fatalf("after the rename: %+v", rs)
		}
		if rs := recordsBy(t, client, n, as("acme")); rs[0].RecipientName != "Acme Kabushiki Kaisha" {
			t.Fatalf("the rename rewrote history: %+v", rs[0])
		}

		// Compliance searches them by consent entry; the subject reads hers.
		r := f.post(t, as("compliance"), `query($c: ID!) { accessRecords(where: {consentID: $c}) { totalCount edges { node { `+provisionLine+` } } } }`,
			map[string]any{"c": wants["acme"].consent})
		if dig(r.Data, "accessRecords", "totalCount") != float64(2) || dig(r.Data, "accessRecords", "edges", 0, "node", "recipientName") != "Acme Kabushiki Kaisha" ||
			idOf(t, dig(r.Data, "accessRecords", "edges", 0, "node", "consentID")) != wants["acme"].consent {
			t.Fatalf("compliance's search by consent entry: %s", r.Raw)
		}
		r = f.post(t, as("alice"), `{ me { accessHistory { `+provisionLine+` } } }`, nil)
		lines, _ := dig(r.Data, "me", "accessHistory").([]any)
		byOrg := map[string][]map[string]any{}
		for _, l := range lines {
			l := l.(map[string]any)
			byOrg[fmt.Sprint(l["viewerOrg"])] = append(byOrg[fmt.Sprint(l["viewerOrg"])], l)
		}
		if len(byOrg["acme"]) != 2 || byOrg["acme"][0]["recipientName"] != "Acme Holdings Kabushiki Kaisha" ||
			byOrg["acme"][1]["recipientName"] != "Acme Kabushiki Kaisha" || idOf(t, byOrg["acme"][1]["consentID"]) != wants["acme"].consent {
			t.Fatalf("alice's history of acme: %s", r.Raw)
		}
		var underGrant bool
		for _, l := range byOrg[""] {
			underGrant = underGrant || (l["legalBasis"] == "LAW" && l["grantID"] != nil && idOf(t, l["grantID"]) == grant && l["consentID"] == nil)
		}
		if !underGrant {
			t.Fatalf("alice's history lacks the release under the grant: %s", r.Raw)
		}
		if strings.Contains(r.Raw, "globex") {
			t.Fatalf("alice's history holds bob's: %s", r.Raw)
		}
		// Her DISCLOSURE names them too.
		req := f.file(t, as("alice"), "DISCLOSURE", nil)
		f.complete(t, "support", req)
		disclosed := jsonOf(f.resultOf(t, as("alice"), req)["accessRecords"])
		for _, want := range []string{fmt.Sprintf(`"consentID":%d`, wants["acme"].consent), `"recipientName":"Acme Kabushiki Kaisha"`,
			fmt.Sprintf(`"grantID":%d`, grant), `"recipientName":"Acme Holdings Kabushiki Kaisha"`} {
			if !strings.Contains(disclosed, want) {
				t.Fatalf("the disclosure's records lack %s: %s", want, disclosed)
			}
		}
		_ = bob
	})
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// masker makes the pseudonyms the test gateways make.
func (f *fixture) masker() consent.Masker { return consent.Masker{HashKey: testHashKey} }

// TestRecordsVerifyNewFields: the fields of a record of provision added
// after the chain began (recipient name, consent entry, grant) are in its
// hash: altering or clearing any of them behind the model's back, or
// setting one on a record that had none, is reported by `records verify`;
// records without them verify as before.
func TestRecordsVerifyNewFields(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		f := newFixture(t, d.client)
		f.post(t, as("acme"), `{ applications { edges { node { applicant { name } } } } }`, nil)
		f.post(t, as("support"), `{ applicants { edges { node { name } } } }`, nil)
		f.liveGrant(t, f.applicants["alice"].ID, "LAW")
		f.post(t, as("compliance"), fmt.Sprintf(`{ applicant(id: %d) { name } }`, f.applicants["alice"].ID), nil)
		f.post(t, as("support"), `{ applicants { edges { node { name } } } }`, nil) // records after the altered ones
		verify := func() (string, error) { return command(t, "records", "verify", "-db", d.dsn) }
		if out, err := verify(); err != nil {
			t.Fatalf("verify: %v\n%s", err, out)
		}
		var ofAcme, ofGrant, plain *ent.AccessRecord
		for _, r := range accessRecords(t, d.client) {
			switch {
			case r.ViewerOrg == "acme" && ofAcme == nil:
				ofAcme = r
			case r.GrantID != nil && ofGrant == nil:
				ofGrant = r
			case r.RecipientName == "" && r.ConsentID == nil && r.GrantID == nil && plain == nil:
				plain = r
			}
		}
		if ofAcme == nil || ofAcme.ConsentID == nil || ofGrant == nil || plain == nil {
			t.Fatalf("records: %+v %+v %+v", ofAcme, ofGrant, plain)
		}
		chainBrokenOnPurpose(t)
		for i, tc := range []struct {
			id           int
			alter, clear string
		}{
			{ofAcme.ID, `recipient_name = 'Acme Renamed K.K.'`, `recipient_name = 'Acme Kabushiki Kaisha'`},
			{ofAcme.ID, `recipient_name = NULL`, `recipient_name = 'Acme Kabushiki Kaisha'`},
			{ofAcme.ID, fmt.Sprintf(`consent_id = %d`, *ofAcme.ConsentID+1), fmt.Sprintf(`consent_id = %d`, *ofAcme.ConsentID)},
			{ofAcme.ID, `consent_id = NULL`, fmt.Sprintf(`consent_id = %d`, *ofAcme.ConsentID)},
			{ofGrant.ID, fmt.Sprintf(`grant_id = %d`, *ofGrant.GrantID+1), fmt.Sprintf(`grant_id = %d`, *ofGrant.GrantID)},
			{plain.ID, `consent_id = 1`, `consent_id = NULL`},
			{plain.ID, `recipient_name = ''`, `recipient_name = NULL`}, // empty is absent: the same hash
		} {
			d.exec(t, fmt.Sprintf(`UPDATE access_records SET %s WHERE id = %d`, tc.alter, tc.id))
			rep, err := records.Verify(context.Background(), d.client) // what the command runs, in process: quicker
			switch {
			case err != nil:
				t.Fatal(err)
			case tc.alter == `recipient_name = ''`:
				if rep.Break != nil {
					t.Fatalf("an empty recipient name is none: %v", rep.Break)
				}
			case rep.Break == nil || rep.Break.ID != tc.id || !strings.HasPrefix(rep.Break.Problem, "hash mismatch"):
				t.Fatalf("after %s on record %d: %v", tc.alter, tc.id, rep.Break)
			}
			if i == 0 { // and the command says so
				if out, err := verify(); err == nil || !strings.Contains(out, fmt.Sprintf("chain broken at record %d: hash mismatch", tc.id)) {
					t.Fatalf("records verify after %s on record %d: %v\n%s", tc.alter, tc.id, err, out)
				}
			}
			d.exec(t, fmt.Sprintf(`UPDATE access_records SET %s WHERE id = %d`, tc.clear, tc.id))
			if rep, err := records.Verify(context.Background(), d.client); err != nil || rep.Break != nil {
				t.Fatalf("after restoring %s: %v %v", tc.clear, err, rep.Break)
			}
		}
	})
}

// sealedQuery reads a sealed identity, every field.
const sealedQuery = `query($ref: String!) { sealedSubject(subjectRef: $ref) { subjectRef applicantID accountID name nameKana email phone birthDate sealedAt purgeAfter } }`

// eraseAfterRecords has acme read alice (a record of provision), then
// erases alice (a DELETION completed by support), and returns her
// pseudonym and the time of her latest record.
func (f *fixture) eraseAfterRecords(t *testing.T) (string, time.Time) {
	t.Helper()
	f.post(t, as("acme"), `{ applications { edges { node { applicant { name email } } } } }`, nil)
	alice := f.applicants["alice"].ID
	sys := privacy.DecisionContext(context.Background(), privacy.Allow)
	latest := f.client.AccessRecord.Query().Where(accessrecord.SubjectID(alice)).Order(ent.Desc(accessrecord.FieldAt)).FirstX(sys)
	f.complete(t, "support", f.file(t, as("alice"), "DELETION", nil))
	return latest.SubjectRef, latest.At
}

// TestSealedIdentity: a DELETION keeps the erased subject's identity
// sealed beside their records (encrypted at rest, to be purged when the
// latest record reaches its legal period); for every viewer and every
// state of the access grants, only the compliance account holding a live
// grant naming the subject's pseudonym reads it, and that read is
// recorded; nothing of the identity appears in any other response, in
// errors, in the logs or in the metrics.
func TestSealedIdentity(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		alice := f.applicants["alice"]
		ref, latest := f.eraseAfterRecords(t)

		row := client.SealedSubject.Query().Where(sealedsubject.SubjectRef(ref)).OnlyX(sys)
		if !row.PurgeAfter.Equal(latest.Add(records.LegalPeriod())) {
			t.Fatalf("purge after %s, want %s", row.PurgeAfter, latest.Add(records.LegalPeriod()))
		}
		for value := range canaries("alice") {
			if strings.Contains(string(row.Sealed), value) || strings.Contains(string(row.Sealed), "alice") {
				t.Fatalf("the sealed identity holds %q in the clear", value)
			}
		}
		other := f.masker().Pseudonym(f.applicants["bob"].ID) // a subject with nothing sealed

		// Grant states, one after another: each leaves no live grant of
		// compliance-1 naming alice's pseudonym, until "live".
		viewers := []string{"", "alice", "bob", "newcomer", "acme", "globex", "support", "marketing", "mailer", "analyst", "admin", "compliance", "approver"}
		// The grant in force in a state, with the one account it shows the
		// identity to.
		type granted struct {
			who   string
			id    int
			basis string
		}
		var live granted
		states := []struct {
			name  string
			setup func()
		}{
			{"no grant", func() { live = granted{} }},
			{"requested, not approved", func() {
				mustGrant(t, f.requestGrantOf(t, as("compliance"), ref, "LAW"), "requestAccessGrant")
			}},
			{"live, for another pseudonym", func() { f.liveGrant(t, other, "LAW") }},
			{"live, for the erased applicant's id", func() { f.liveGrant(t, alice.ID, "LAW") }},
			{"expired", func() {
				past := time.Now().Add(-48 * time.Hour)
				client.AccessGrant.Create().SetSubjectRef(ref).SetBasis("LAW").SetReference("r").SetJustification("j").
					SetRequestedBy("compliance-1").SetRequestedAt(past).SetApprovedBy("compliance-2").SetApprovedAt(past.Add(time.Hour)).
					SetExpiresAt(past.Add(2 * time.Hour)).ExecX(sys)
			}},
			{"revoked", func() {
				id := f.liveGrant(t, ref, "LAW")
				mustGrant(t, f.revokeGrant(t, as("compliance"), id, "order withdrawn"), "revokeAccessGrant")
			}},
			{"live, opened by the second account", func() {
				id := mustGrant(t, f.requestGrantOf(t, as("approver"), ref, "PUBLIC_HEALTH"), "requestAccessGrant")["id"]
				mustGrant(t, f.approveGrant(t, as("compliance"), id), "approveAccessGrant")
				live = granted{"approver", idOf(t, id), "PUBLIC_HEALTH"}
			}},
			{"that one revoked", func() {
				mustGrant(t, f.revokeGrant(t, as("approver"), live.id, "done"), "revokeAccessGrant")
				live = granted{}
			}},
			{"live", func() {
				live = granted{"compliance", f.liveGrant(t, ref, "GOVERNMENT_COOPERATION"), "GOVERNMENT_COOPERATION"}
			}},
		}
		allowedReads := 0
		for _, s := range states {
			s.setup()
			for _, who := range viewers {
				n := len(accessRecords(t, client))
				r := f.post(t, viewerOrAnonymous(who), sealedQuery, map[string]any{"ref": ref})
				if who != live.who || who == "" {
					if l := leaked(r.Raw, "alice"); l != nil || dig(r.Data, "sealedSubject", "name") != nil {
						t.Fatalf("%s, as %q: the sealed identity leaked: %s", s.name, who, r.Raw)
					}
					if len(accessRecords(t, client)) != n {
						t.Fatalf("%s, as %q: a record without a release", s.name, who)
					}
					continue
				}
				allowedReads++
				id := dig(r.Data, "sealedSubject").(map[string]any)
				if id["name"] != canary("alice", "name") || id["email"] != "alice.mail@canary.example" || id["phone"] != "090-1234-0001" ||
					id["nameKana"] != canary("alice", "kana") || idOf(t, id["applicantID"]) != alice.ID || id["accountID"] != "alice" ||
					id["subjectRef"] != ref || len(r.Errors) > 0 {
					t.Fatalf("%s: the granted read: %s", s.name, r.Raw)
				}
				rs := accessRecords(t, client)[n:]
				if len(rs) != 1 || rs[0].SubjectRef != ref || rs[0].SubjectID != nil || rs[0].ViewerAccount != as(who).Account ||
					rs[0].LegalBasis != live.basis || deref(rs[0].GrantID) != live.id || rs[0].Decision != "PLAIN" ||
					strings.Join(rs[0].Categories, ",") != "BIRTH_DATE:PLAIN,EMAIL:PLAIN,NAME:PLAIN,PHONE:PLAIN" {
					t.Fatalf("%s: the granted read's record: %+v", s.name, rs)
				}
				// Under the same grant: a pseudonym it does not name, nothing.
				if r := f.post(t, as(who), sealedQuery, map[string]any{"ref": other}); r.Raw != `{"data":{"sealedSubject":null}}` {
					t.Fatalf("another pseudonym: %s", r.Raw)
				}
			}
		}
		if allowedReads != 2 {
			t.Fatalf("%d granted reads", allowedReads)
		}
		// Revoked: nothing from the very next request.
		mustGrant(t, f.revokeGrant(t, as("approver"), live.id, "order fulfilled"), "revokeAccessGrant")
		if r := f.post(t, as("compliance"), sealedQuery, map[string]any{"ref": ref}); r.Raw != `{"data":{"sealedSubject":null}}` {
			t.Fatalf("after the revocation: %s", r.Raw)
		}
		// The grants by pseudonym show it, and no subject.
		r := f.post(t, as("compliance"), `{ accessGrants(first: 50, where: {subjectRef: "`+ref+`"}) { totalCount edges { node { subjectID subjectRef subject { id } } } } }`, nil)
		if dig(r.Data, "accessGrants", "totalCount") != float64(5) || dig(r.Data, "accessGrants", "edges", 0, "node", "subject") != nil ||
			dig(r.Data, "accessGrants", "edges", 0, "node", "subjectID") != nil {
			t.Fatalf("grants by pseudonym: %s", r.Raw)
		}
		if l := leaked(f.logs.String(), "alice"); l != nil {
			t.Fatalf("the logs hold alice's identity")
		}
		if l := leaked(metricsOf(t, f.metrics), "alice"); l != nil {
			t.Fatalf("the metrics hold alice's identity")
		}
	})
}

// TestGrantSubjectValidation: a grant names its subject by id or by
// pseudonym, one of them, and a pseudonym of the pseudonyms' form; none of
// the refusals tells whether anything is sealed under it.
func TestGrantSubjectValidation(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	both := f.post(t, as("compliance"), `mutation($in: CreateAccessGrantInput!) { requestAccessGrant(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"subjectID": f.applicants["alice"].ID, "subjectRef": "s:00112233445566778899aabbccddeeff",
			"basis": "LAW", "reference": "r", "justification": "j"}})
	wantError(t, both, "requestAccessGrant", "BAD_USER_INPUT", "invalid AccessGrant.subjectID: name the subject by subjectID or, for an erased subject's sealed identity, by subjectRef: one of them")
	neither := f.post(t, as("compliance"), `mutation($in: CreateAccessGrantInput!) { requestAccessGrant(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"basis": "LAW", "reference": "r", "justification": "j"}})
	wantError(t, neither, "requestAccessGrant", "BAD_USER_INPUT", "invalid AccessGrant.subjectID: name the subject by subjectID or, for an erased subject's sealed identity, by subjectRef: one of them")
	wantError(t, f.requestGrantOf(t, as("compliance"), "alice", "LAW"), "requestAccessGrant", "BAD_USER_INPUT",
		"invalid AccessGrant.subjectRef: not a subject's pseudonym")
	for _, who := range []string{"support", "admin", "alice"} {
		if r := f.requestGrantOf(t, as(who), "s:00112233445566778899aabbccddeeff", "LAW"); dig(r.Data, "requestAccessGrant") != nil {
			t.Fatalf("%s opened a grant by pseudonym: %s", who, r.Raw)
		}
	}
	mustGrant(t, f.requestGrantOf(t, as("compliance"), "s:00112233445566778899aabbccddeeff", "LAW"), "requestAccessGrant")
}

// TestPurgeSealed: the retention purge (records.PurgeSealed) removes a
// sealed identity once its purge_after has passed, not a moment before;
// nothing changes one, and no removal through the model takes one before
// its time.
func TestPurgeSealed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		ref, latest := f.eraseAfterRecords(t)
		due := latest.Add(records.LegalPeriod())

		if n, err := records.PurgeSealed(context.Background(), client, due.Add(-time.Microsecond)); err != nil || n != 0 {
			t.Fatalf("purge before the period ends: %d, %v", n, err)
		}
		if n, err := client.SealedSubject.Delete().Exec(sys); err != nil || n != 0 {
			t.Fatalf("a removal through the model before its time: %d, %v", n, err)
		}
		if err := client.SealedSubject.Update().Where(sealedsubject.SubjectRef(ref)).Exec(sys); err == nil {
			t.Fatal("a sealed identity was updated")
		}
		if n := client.SealedSubject.Query().CountX(sys); n != 1 {
			t.Fatalf("%d sealed identities", n)
		}
		// At the end of the period, the identity stays while records of
		// the subject are left (a policy may keep them longer)...
		if n, err := records.PurgeSealed(context.Background(), client, due); err != nil || n != 0 {
			t.Fatalf("purge while the records are left: %d, %v", n, err)
		}
		// ...and goes once the retention purge has removed them (the
		// newest record, which it keeps, someone else's).
		f.post(t, as("support"), `{ applicants { edges { node { name } } } }`, nil)
		postgres, err := records.IsPostgres(context.Background(), client)
		if err != nil {
			t.Fatal(err)
		}
		for {
			tx, err := client.Tx(sys)
			if err != nil {
				t.Fatal(err)
			}
			p, err := records.Purge(sys, tx, postgres, latest.Add(time.Microsecond), 100)
			if err == nil && p.Count > 0 { // the checkpoint records verify starts from, as the sweeper writes it
				err = tx.RetentionAction.Create().SetAt(due).SetRun("test").SetReplica("test").SetKind(retentionaction.KindACCESS_RECORDS).
					SetRule("3y ERASE").SetCount(p.Count).SetThroughID(p.Through).SetThroughHash(p.Hash).Exec(sys)
			}
			if err != nil {
				t.Fatal(errors.Join(err, tx.Rollback()))
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if p.Count == 0 {
				break
			}
		}
		if n, err := records.PurgeSealed(context.Background(), client, due); err != nil || n != 1 {
			t.Fatalf("purge when the period ends and the records are gone: %d, %v", n, err)
		}
		if n := client.SealedSubject.Query().CountX(sys); n != 0 {
			t.Fatalf("%d sealed identities after the purge", n)
		}
	})
}

// TestErasureWithoutRecordsSealsNothing: a subject nobody received data
// of is erased without anything sealed.
func TestErasureWithoutRecordsSealsNothing(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	f.complete(t, "support", f.file(t, &consent.Viewer{Account: "dave", Role: consent.Applicant}, "DELETION", nil))
	if n := f.client.SealedSubject.Query().CountX(privacy.DecisionContext(context.Background(), privacy.Allow)); n != 0 {
		t.Fatalf("%d sealed identities", n)
	}
}

// TestAccessHistoryComplete: the subject's own access history holds every
// record of their data, however many (it is not cut to the latest ones),
// newest first.
func TestAccessHistoryComplete(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		alice := f.applicants["alice"].ID
		pg, err := records.IsPostgres(sys, client)
		if err != nil {
			t.Fatal(err)
		}
		const many = 150
		tx, err := client.Tx(sys)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now().Add(-400 * 24 * time.Hour)
		builders := make([]*ent.AccessRecordCreate, many)
		for i := range builders {
			builders[i] = tx.AccessRecord.Create().SetAt(start.Add(time.Duration(i) * time.Hour)).SetRequestID(fmt.Sprintf("old-%03d", i)).
				SetViewerAccount("rec-acme").SetViewerRole("EMPLOYER").SetViewerOrg("acme").SetPurpose("EMPLOYER_PROVISION").
				SetSubjectID(alice).SetSubjectRef(f.masker().Pseudonym(alice)).SetCategories([]string{"NAME:PLAIN"}).SetDecision("PLAIN")
		}
		if err := records.Chain(sys, tx, pg, builders); err != nil {
			t.Fatal(err)
		}
		if err := tx.AccessRecord.CreateBulk(builders...).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		f.post(t, as("acme"), `{ applications { edges { node { applicant { name } } } } }`, nil)
		r := f.post(t, as("alice"), `{ me { accessHistory { requestID at } } }`, nil)
		lines, _ := dig(r.Data, "me", "accessHistory").([]any)
		if len(lines) != many+1 {
			t.Fatalf("%d lines of %d records", len(lines), many+1)
		}
		if dig(lines, 1, "requestID") != fmt.Sprintf("old-%03d", many-1) || dig(lines, many, "requestID") != "old-000" {
			t.Fatalf("not newest first: %v … %v", lines[1], lines[many])
		}
	})
}
