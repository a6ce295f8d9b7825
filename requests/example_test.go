package requests_test

import (
	"fmt"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/privacyrequest"
	"consentgate/requests"
)

func employerName(e *requests.EmployerRef) string {
	if e == nil {
		return "everyone"
	}
	return e.Name
}

// A NOTICE answers which purposes apply to the subject now, towards whom,
// and who received their data.
func Example_notice() {
	w := newWorld()
	defer w.close()

	n := complete[requests.Notice](w, privacyrequest.KindNOTICE, nil)
	fmt.Println("policy", n.PolicyVersion.Version)
	for _, p := range n.Purposes {
		fmt.Printf("%s (%s) applies: %t", p.Purpose, p.Default, p.Applies)
		for _, e := range p.Employers {
			fmt.Printf(", to %s", e.Name)
		}
		fmt.Println()
	}
	for _, r := range n.Recipients {
		fmt.Printf("%s (%s) received %v, %d times\n", r.Org, r.Employer.Name, r.Categories, r.Releases)
	}
	fmt.Println("withheld:", len(n.Withheld))
	// Output:
	// policy 2026-01
	// EMPLOYER_PROVISION (OPT_IN) applies: true, to Sakura Technologies K.K.
	// SERVICE (NECESSARY) applies: true
	// MAIL_MAGAZINE (OPT_IN) applies: false
	// FEEDBACK (OPT_IN) applies: false
	// ADVERTISING (OPT_OUT) applies: true
	// INQUIRY (NECESSARY) applies: true
	// ANALYTICS (OPT_IN) applies: false
	// sakura-tech (Sakura Technologies K.K.) received [EMAIL NAME], 2 times
	// withheld: 0
}

// A DISCLOSURE answers with everything held about the subject.
func Example_disclosure() {
	w := newWorld()
	defer w.close()

	d := complete[requests.Disclosure](w, privacyrequest.KindDISCLOSURE, nil)
	fmt.Println("profile:", d.Profile["name"], d.Profile["email"], d.Profile["city"], d.Profile["accountID"])
	for _, a := range d.Applications {
		fmt.Printf("application: %s to %q at %s\n", a.Status, a.Job.Title, a.Job.Employer.Name)
	}
	for _, c := range d.Consents.Current {
		fmt.Printf("consent in force: %s granted=%t to %s (%s, policy %s)\n", c.Purpose, c.Granted, employerName(c.Employer), c.Source, *c.PolicyVersion)
	}
	fmt.Println("ledger entries:", len(d.Consents.History))
	for _, r := range d.PrivacyRequests {
		fmt.Println("request:", r.Kind, r.Status)
	}
	for _, r := range d.AccessRecords {
		fmt.Println("release:", r.ViewerRole, r.ViewerOrg, r.Purpose, r.Categories, r.Decision)
	}
	// Output:
	// profile: Alice Tanaka alice@example.jp Shibuya alice
	// application: APPLIED to "Backend engineer (Go)" at Sakura Technologies K.K.
	// consent in force: EMPLOYER_PROVISION granted=true to Sakura Technologies K.K. (APPLICATION, policy 2026-01)
	// ledger entries: 1
	// request: DISCLOSURE COMPLETED
	// release: EMPLOYER sakura-tech EMPLOYER_PROVISION [NAME EMAIL] PLAIN
	// release: EMPLOYER sakura-tech EMPLOYER_PROVISION [EMAIL] PLAIN
}

// A CORRECTION applies the changes the subject proposed, validated when
// filed and again when completed.
func Example_correction() {
	w := newWorld()
	defer w.close()

	city, postalCode := "Kawasaki", "210-0001"
	c := complete[requests.Changes](w, privacyrequest.KindCORRECTION,
		&ent.UpdateApplicantInput{City: &city, PostalCode: &postalCode, ClearBuilding: true})
	fmt.Println("applied:", c.AppliedFields)
	a := w.client.Applicant.GetX(w.sys, w.alice.ID)
	fmt.Printf("city %s, postal code %s, building %q\n", a.City, a.PostalCode, a.Building)

	bad := "2100001"
	_, err := w.file(privacyrequest.KindCORRECTION, &ent.UpdateApplicantInput{PostalCode: &bad})
	fmt.Println(err)
	// Output:
	// applied: [city clearBuilding postalCode]
	// city Kawasaki, postal code 210-0001, building ""
	// ent: validator failed for field "Applicant.postal_code": must be a Japanese postal code NNN-NNNN
}

// An ADDITION adds to the profile and clears nothing.
func Example_addition() {
	w := newWorld()
	defer w.close()

	c := complete[requests.Changes](w, privacyrequest.KindADDITION, &ent.UpdateApplicantInput{AppendSkills: []string{"Rust"}})
	fmt.Println("applied:", c.AppliedFields)
	fmt.Println("skills:", w.client.Applicant.GetX(w.sys, w.alice.ID).Skills)

	_, err := w.file(privacyrequest.KindADDITION, &ent.UpdateApplicantInput{ClearBuilding: true})
	fmt.Println(err)
	// Output:
	// applied: [appendSkills]
	// skills: [Go Rust]
	// invalid PrivacyRequest.changes.clearBuilding: an ADDITION adds data and clears nothing (a CORRECTION may)
}

// A DELETION erases the subject's personal data everywhere and keeps what
// remains without it.
func Example_deletion() {
	w := newWorld()
	defer w.close()

	open, err := w.file(privacyrequest.KindNOTICE, nil) // still open when the deletion completes
	check(err)
	e := complete[requests.Erasure](w, privacyrequest.KindDELETION, nil)
	fmt.Printf("%+v\n", *e)

	a := w.client.Applicant.GetX(w.sys, w.alice.ID)
	fmt.Printf("applicant: %s <%s>, city %q, erased: %t\n", a.Name, a.Email, a.City, a.ErasedAt != nil)
	fmt.Println("application:", w.applicationStatus())
	r := w.client.PrivacyRequest.GetX(w.sys, open.ID)
	fmt.Println("open request:", r.Status)
	fmt.Println("access records naming alice:", w.client.AccessRecord.Query().Where(accessrecord.SubjectIDNotNil()).CountX(w.sys),
		"of", w.client.AccessRecord.Query().CountX(w.sys))
	fmt.Println("Sakura reaches:", w.reached(sakuraViewer))

	_, err = w.file(privacyrequest.KindNOTICE, nil)
	fmt.Println("alice files again:", err) // her account no longer finds the row
	// Output:
	// {AccessRecordsPseudonymised:2 ApplicationsWithdrawn:1 Erased:true IdentitySealed:true PurposesWithdrawn:6 RequestsClosed:1}
	// applicant: [erased] <erased@erased.invalid>, city "", erased: true
	// application: WITHDRAWN
	// open request: REJECTED
	// access records naming alice: 0 of 2
	// Sakura reaches: []
	// alice files again: ent/privacy: deny rule
}

// A CEASE_OF_USE withdraws every purpose the policy does not make
// necessary: provision to employers towards everyone and each employer
// named.
func Example_ceaseOfUse() {
	w := newWorld()
	defer w.close()

	fmt.Println("Sakura reaches:", w.reached(sakuraViewer))
	wd := complete[requests.Withdrawal](w, privacyrequest.KindCEASE_OF_USE, nil)
	for _, x := range wd.Withdrawn {
		fmt.Println("withdrawn:", x.Purpose, "towards", employerName(x.Employer))
	}
	fmt.Println("Sakura reaches:", w.reached(sakuraViewer))
	fmt.Println("application:", w.applicationStatus())
	// Output:
	// Sakura reaches: [Alice Tanaka]
	// withdrawn: EMPLOYER_PROVISION towards everyone
	// withdrawn: EMPLOYER_PROVISION towards Sakura Technologies K.K.
	// withdrawn: MAIL_MAGAZINE towards everyone
	// withdrawn: FEEDBACK towards everyone
	// withdrawn: ADVERTISING towards everyone
	// withdrawn: ANALYTICS towards everyone
	// Sakura reaches: []
	// application: APPLIED
}

// A CEASE_OF_PROVISION withdraws provision to employers only.
func Example_ceaseOfProvision() {
	w := newWorld()
	defer w.close()

	wd := complete[requests.Withdrawal](w, privacyrequest.KindCEASE_OF_PROVISION, nil)
	for _, x := range wd.Withdrawn {
		fmt.Println("withdrawn:", x.Purpose, "towards", employerName(x.Employer))
	}
	fmt.Println("Sakura reaches:", w.reached(sakuraViewer))
	fmt.Println("alice reaches:", w.reached(aliceViewer))
	// Output:
	// withdrawn: EMPLOYER_PROVISION towards everyone
	// withdrawn: EMPLOYER_PROVISION towards Sakura Technologies K.K.
	// Sakura reaches: []
	// alice reaches: [Alice Tanaka]
}
