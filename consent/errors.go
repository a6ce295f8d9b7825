package consent

import "errors"

// Sentinel errors of the engine. They never carry a personal value.
var (
	// ErrUnknownRole is returned for a role name that is not one of Roles.
	ErrUnknownRole = errors.New("unknown role")
	// ErrUnknownPurpose is returned for a purpose that is not one of policy §4's.
	ErrUnknownPurpose = errors.New("unknown purpose")
	// ErrUnknownCategory is returned for a category that is not one of Categories.
	ErrUnknownCategory = errors.New("unknown category")
	// ErrUnknownLegalBasis is returned for a legal basis that is not one of
	// policy §5(2)'s (LegalBases).
	ErrUnknownLegalBasis = errors.New("unknown legal basis")
	// ErrInvalidPolicy is wrapped by every error of LoadPolicy and
	// LoadPolicyFile: a policy that does not parse or validate is refused
	// whole, never applied in part. Each problem is a *PolicyError; a
	// document with several problems yields all of them, joined with
	// errors.Join.
	ErrInvalidPolicy = errors.New("invalid policy")
	// ErrUnknownDimension is returned for a dimension that is not one of
	// Dimensions.
	ErrUnknownDimension = errors.New("unknown dimension")
	// ErrNoAggregatePurpose is returned for a viewer that acts under neither
	// ANALYTICS nor ADVERTISING, under both without declaring one, or
	// without an account (the privacy budget is per account).
	ErrNoAggregatePurpose = errors.New("no aggregate purpose")
	// ErrNotGroupable is returned for a statistics query that groups or
	// filters by a dimension the policy does not release to its purpose.
	ErrNotGroupable = errors.New("dimension not released to the purpose")
	// ErrInvalidAggregate is wrapped by every error of Aggregate: an
	// invalid query, invalid rows, a missing or broken noise source. It
	// names dimensions, never a value.
	ErrInvalidAggregate = errors.New("invalid aggregate query")
	// ErrGroupTooSmall is returned by Aggregate for a query whose filters
	// select fewer applicants than its release threshold: it is refused
	// whole, on the true count and before any noise is drawn, and says
	// nothing of how many were selected.
	ErrGroupTooSmall = errors.New("the filters select fewer applicants than the release threshold")
)
