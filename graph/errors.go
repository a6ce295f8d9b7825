package graph

import "errors"

// Errors the resolvers return. Their messages reach clients as they are, so
// they name rules, never values.
var (
	// ErrNoProfile: the applicant has not created a profile yet.
	ErrNoProfile = errors.New("no profile yet: create it with createMyProfile")
	// ErrUnknownOrganisation: the token's org claim names no employer.
	ErrUnknownOrganisation = errors.New("the token's organisation is not a registered employer")
	// ErrPageSize: first or last is out of range.
	ErrPageSize = errors.New("must be between 0 and 100")
	// ErrBudgetExhausted: a statistics query would overspend the viewer's
	// daily privacy budget.
	ErrBudgetExhausted = errors.New("the privacy budget for the last 24 hours is spent; statistics are refused until it recovers")
)
