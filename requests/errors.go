package requests

import "errors"

// Errors of completing a privacy request.
var (
	// ErrSubjectErased: the request's subject was erased by a completed
	// DELETION: nothing is left to act on.
	ErrSubjectErased = errors.New("the subject's personal data has been erased")
	// ErrNoEngine: completing the request needs the consent policy (the
	// purposes and their defaults) and no engine was given.
	ErrNoEngine = errors.New("the consent policy is not available")
)
