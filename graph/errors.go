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
	// ErrOperationBudgetExhausted: a statistics query would overspend the
	// daily privacy budget of its approved operation, which every account
	// running it shares.
	ErrOperationBudgetExhausted = errors.New("the approved operation's privacy budget for the last 24 hours, shared by every account that runs it, is spent; it is refused until the budget recovers")
	// ErrStatisticsOutsideOperation: statistics run in an approved
	// operation, whose daily budget they spend.
	ErrStatisticsOutsideOperation = errors.New("statistics run only in an approved operation")

	// Errors of a document offered for approval (registerOperation).
	ErrDocumentSyntax     = errors.New("does not parse as a GraphQL document")
	ErrDocumentInvalid    = errors.New("is not valid against the schema")
	ErrDocumentOperations = errors.New("must hold exactly one operation")
	ErrDocumentNotQuery   = errors.New("must be a query: mutations and subscriptions are never approved")
	// ErrNoPolicy: a resolver that shows the policy ran outside the field
	// guard, which carries it.
	ErrNoPolicy = errors.New("the consent policy is not available")
	// ErrAlreadyRevoked: an operation is revoked once, and a revoked one is
	// not approved.
	ErrAlreadyRevoked = errors.New("the operation is already revoked")
	// ErrNotNotified: an acknowledgement of, or objection to, a policy
	// version the applicant was not notified of (it changes no purpose, or
	// took effect before they registered).
	ErrNotNotified = errors.New("the applicant was not notified of this policy version: it changes no purpose, or took effect before they registered")
	// ErrAlreadyApproved: an operation is approved once.
	ErrAlreadyApproved = errors.New("the operation is already approved")
)
