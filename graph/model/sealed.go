package model

import "time"

// SealedIdentity is an erased subject's identity opened from its seal
// (records.Sealer), for the one viewer the row rule and the field guard
// let read it.
type SealedIdentity struct {
	SubjectRef  string
	SealedAt    time.Time
	PurgeAfter  time.Time
	ApplicantID *int
	AccountID   *string
	Name        *string
	NameKana    *string
	Email       *string
	Phone       *string
	BirthDate   *time.Time
}
