package requests

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/employer"
	"consentgate/ledger"
)

// notice answers a NOTICE: the purposes that apply to the subject under
// the current consent state and the policy's defaults, the categories they
// withhold, the employers that received their data (from the access
// records) and the policy version in force.
func (e *effects) notice(a *ent.Applicant) (*Notice, error) {
	pol, err := e.policy()
	if err != nil {
		return nil, err
	}
	pv, err := e.policyVersion()
	if err != nil {
		return nil, err
	}
	current, err := ledger.Current(e.ctx, e.client, a.ID)
	if err != nil {
		return nil, err
	}
	state := ledger.StateOf(current, e.now)
	employers := map[string]*ent.Employer{} // by external id, those the state names
	for _, c := range current {
		if emp := c.Edges.Employer; emp != nil {
			employers[emp.ExternalID] = emp
		}
	}
	purposes := make([]PurposeNotice, 0, len(consent.Purposes))
	for _, p := range consent.Purposes {
		item := PurposeNotice{Purpose: string(p), Default: string(pol.Purposes[p])}
		if p == consent.EmployerProvision {
			to := []*EmployerRef{}
			for _, org := range sortedKeys(employers) {
				if e.engine.Consented(state, p, org) {
					to = append(to, employerRef(employers[org]))
				}
			}
			// Applies to the employers listed, or to all of them by a grant
			// naming none.
			item.Applies, item.Employers = len(to) > 0 || e.engine.Consented(state, p, ""), to
		} else {
			item.Applies = e.engine.Consented(state, p, "")
		}
		purposes = append(purposes, item)
	}
	withheld := []Withholding{}
	for _, c := range current {
		if c.WithheldCategory != nil && !c.Granted {
			withheld = append(withheld, Withholding{Category: string(*c.WithheldCategory), Employer: employerRef(c.Edges.Employer)})
		}
	}
	recipients, err := e.recipients(a)
	if err != nil {
		return nil, err
	}
	return &Notice{PolicyVersion: pv, Purposes: purposes, Withheld: withheld, Recipients: recipients}, nil
}

// recipients lists the employers that received the subject's data, from
// the access records of releases to the EMPLOYER role: when first and
// last, how many times, which categories.
func (e *effects) recipients(a *ent.Applicant) ([]Recipient, error) {
	records, err := e.client.AccessRecord.Query().
		Where(accessrecord.SubjectID(a.ID), accessrecord.ViewerRole(string(consent.Employer))).
		Order(ent.Asc(accessrecord.FieldAt), ent.Asc(accessrecord.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the access records: %w", err)
	}
	type recipient struct {
		first, last time.Time
		releases    int
		categories  []string
	}
	byOrg := map[string]*recipient{}
	for _, r := range records {
		rc := byOrg[r.ViewerOrg]
		if rc == nil {
			rc = &recipient{first: r.At}
			byOrg[r.ViewerOrg] = rc
		}
		rc.last = r.At
		rc.releases++
		for _, c := range r.Categories {
			name, _, _ := strings.Cut(c, ":")
			if !slices.Contains(rc.categories, name) {
				rc.categories = append(rc.categories, name)
			}
		}
	}
	orgs := sortedKeys(byOrg)
	names := map[string]*ent.Employer{}
	if len(orgs) > 0 {
		emps, err := e.client.Employer.Query().Where(employer.ExternalIDIn(orgs...)).All(e.ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the employers: %w", err)
		}
		for _, emp := range emps {
			names[emp.ExternalID] = emp
		}
	}
	out := make([]Recipient, 0, len(orgs))
	for _, org := range orgs {
		rc := byOrg[org]
		slices.Sort(rc.categories)
		out = append(out, Recipient{Org: org, Employer: employerRef(names[org]), First: rc.first, Last: rc.last,
			Releases: rc.releases, Categories: rc.categories})
	}
	return out, nil
}
