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
)
