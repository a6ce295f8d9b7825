// Package demo seeds the demo data set (Seed: 300 applicants with
// plausible Japanese addresses, statuses of residence and work histories,
// 4 employers with jobs, their applications, consents and privacy requests
// in every state), names its identities (one viewer per role), and sends
// the demo staff's first activity through the gateway (RunActivity). It
// also registers the approved operations shipped in operations/
// (SeedOperations) and gives the load generator its identities
// (Identities). GrantApprover is a second compliance account, to approve
// the legal-basis grants the first opens.
//
// It writes through ent and reaches the gateway only as an http.Handler;
// it must not import the gateway or the command.
package demo

import (
	"time"

	"consentgate/consent"
	"consentgate/load"
)

// Demo identities: the accounts and organisations of the demo data set.
// Each role's token printed by -demo is for one of these viewers.
const (
	ApplicantAccount = "applicant-0001" // the first seeded applicant
	EmployerOrg      = "sakura-tech"    // the first seeded employer
)

// Signer signs a token for v valid for ttl, in the form the gateway
// verifies.
type Signer func(v consent.Viewer, ttl time.Duration) (string, error)

// EmployerOrgs returns the organisation ids of the demo employers, in
// seed order.
func EmployerOrgs() []string {
	out := make([]string, len(demoEmployers))
	for i, e := range demoEmployers {
		out[i] = e.externalID
	}
	return out
}

// Viewers lists one viewer per role, in consent.Roles order.
var Viewers = []consent.Viewer{
	{Account: ApplicantAccount, Role: consent.Applicant},
	{Account: "recruiter-sakura-1", Role: consent.Employer, Org: EmployerOrg},
	{Account: "support-1", Role: consent.Support},
	{Account: "marketing-1", Role: consent.Marketing},
	{Account: "analyst-1", Role: consent.Analyst},
	{Account: "compliance-1", Role: consent.Compliance},
	{Account: "admin-1", Role: consent.Admin},
}

// GrantApprover is the demo's second compliance account. A legal-basis grant
// the compliance viewer (Viewers) opens takes effect only once another
// compliance account approves it, and -demo prints one token per role:
// sign this one with `token -role COMPLIANCE -sub compliance-2`.
var GrantApprover = consent.Viewer{Account: "compliance-2", Role: consent.Compliance}

// Identities are the demo's identities for the load generator: the demo
// viewers, employers and applicants.
func Identities() load.Identities {
	return load.Identities{Viewers: Viewers, Employers: EmployerOrgs(), Applicants: ApplicantCount}
}
