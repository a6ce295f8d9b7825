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
	// ErrInvalidPolicy is wrapped by every error of LoadPolicy and
	// LoadPolicyFile: a policy that does not parse or validate is refused
	// whole, never applied in part. Each problem is a *PolicyError; a
	// document with several problems yields all of them, joined with
	// errors.Join.
	ErrInvalidPolicy = errors.New("invalid policy")
)
