package main

import "consentgate/consent"

// Demo identities: the accounts and organisations of the demo data set.
// Each role's token printed by -demo is for one of these viewers.
const (
	DemoApplicantAccount = "applicant-0001" // the first seeded applicant
	DemoEmployerOrg      = "sakura-tech"    // the first seeded employer
)

// DemoViewers lists one viewer per role, in consent.Roles order.
var DemoViewers = []consent.Viewer{
	{Account: DemoApplicantAccount, Role: consent.Applicant},
	{Account: "recruiter-sakura-1", Role: consent.Employer, Org: DemoEmployerOrg},
	{Account: "support-1", Role: consent.Support},
	{Account: "marketing-1", Role: consent.Marketing},
	{Account: "analyst-1", Role: consent.Analyst},
	{Account: "compliance-1", Role: consent.Compliance},
	{Account: "admin-1", Role: consent.Admin},
}
