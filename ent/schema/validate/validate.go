// Package validate holds the model's validators: formats (email, phone,
// postal code, IP address), Japan's reference lists (the 47 prefectures and
// the statuses of residence) and date sanity checks.
//
// Validators are wired into the ent schema, so a bad value is refused before
// it is stored, whatever path it came through. Their errors name the rule
// broken and never echo the value: they reach clients and logs.
package validate

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

//go:embed data/prefectures.tsv
var prefecturesTSV string

//go:embed data/statuses-of-residence.tsv
var statusesTSV string

// Prefecture is one of Japan's 47 prefectures (JIS X 0401).
type Prefecture struct {
	Code   string // JIS X 0401 code, "01" to "47"
	Name   string // English name as used in the API, e.g. "Tokyo"
	NameJA string // e.g. "東京都"
}

// StatusOfResidence is a status of residence under Japan's Immigration
// Control and Refugee Recognition Act (plus Special Permanent Resident).
type StatusOfResidence struct {
	Code string // stable code used in the API, e.g. "ENGINEER_HUMANITIES_INTERNATIONAL"
	Name string // English name
	Work string // whether and how far the status permits work
}

// Prefectures lists Japan's 47 prefectures in JIS order.
var Prefectures = parseTSV(prefecturesTSV, func(f []string) Prefecture {
	return Prefecture{Code: f[0], Name: f[1], NameJA: f[2]}
})

// StatusesOfResidence lists the statuses of residence accepted for
// Applicant.visaStatus: the documented list in data/statuses-of-residence.tsv.
var StatusesOfResidence = parseTSV(statusesTSV, func(f []string) StatusOfResidence {
	return StatusOfResidence{Code: f[0], Name: f[1], Work: f[2]}
})

func parseTSV[T any](src string, row func([]string) T) []T {
	var out []T
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Scan() // header
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, row(strings.Split(line, "\t")))
		}
	}
	return out
}

// Sentinel errors, one per rule. ent wraps them with the field's name.
var (
	ErrPrefecture  = errors.New("must be one of Japan's 47 prefectures (English name, e.g. Tokyo)")
	ErrVisaStatus  = errors.New("must be a status of residence code from the documented list")
	ErrVisaExpired = errors.New("must not be in the past: the status of residence has expired")
	ErrEmail       = errors.New("must be a single email address such as name@example.com")
	ErrPhone       = errors.New("must be a telephone number: 0 and 9-10 digits, or + and 7-15 digits, with optional '-' or spaces")
	ErrPostalCode  = errors.New("must be a Japanese postal code NNN-NNNN")
	ErrIP          = errors.New("must be an IPv4 or IPv6 address")
	ErrDate        = errors.New("is not a plausible date")
	ErrBlank       = errors.New("must not be blank")
	ErrTooLong     = errors.New("is too long")
)

// PrefectureName validates an English prefecture name.
func PrefectureName(s string) error {
	for _, p := range Prefectures {
		if p.Name == s {
			return nil
		}
	}
	return ErrPrefecture
}

// VisaStatus validates a status of residence code.
func VisaStatus(s string) error {
	for _, st := range StatusesOfResidence {
		if st.Code == s {
			return nil
		}
	}
	return ErrVisaStatus
}

// Email validates a bare email address (no display name), at most 254 bytes,
// with a dotted domain.
func Email(s string) error {
	if len(s) > 254 {
		return ErrEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return ErrEmail
	}
	at := strings.LastIndexByte(s, '@')
	if domain := s[at+1:]; !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return ErrEmail
	}
	return nil
}

var (
	phoneRe  = regexp.MustCompile(`^(0\d{9,10}|\+\d{7,15})$`)
	postalRe = regexp.MustCompile(`^\d{3}-\d{4}$`)
)

// Phone validates a telephone number: domestic (0 then 9-10 digits) or
// international (+ then 7-15 digits); '-' and spaces between digits are
// allowed.
func Phone(s string) error {
	if len(s) > 32 || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		return ErrPhone
	}
	if !phoneRe.MatchString(strings.NewReplacer("-", "", " ", "").Replace(s)) {
		return ErrPhone
	}
	return nil
}

// PostalCode validates a Japanese postal code (NNN-NNNN).
func PostalCode(s string) error {
	if !postalRe.MatchString(s) {
		return ErrPostalCode
	}
	return nil
}

// IP validates an IPv4 or IPv6 address.
func IP(s string) error {
	if _, err := netip.ParseAddr(s); err != nil {
		return ErrIP
	}
	return nil
}

// MaxLen returns a validator refusing blank strings and strings longer than
// n runes.
func MaxLen(n int) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return ErrBlank
		}
		if len([]rune(s)) > n {
			return fmt.Errorf("%w (at most %d characters)", ErrTooLong, n)
		}
		return nil
	}
}

// BirthDate validates a date of birth: an applicant is between 15 and 100
// years old.
func BirthDate(t time.Time) error {
	now := time.Now()
	if t.After(now.AddDate(-15, 0, 0)) || t.Before(now.AddDate(-100, 0, 0)) {
		return fmt.Errorf("%w: an applicant must be between 15 and 100 years old", ErrDate)
	}
	return nil
}

// PastDate validates a date that must lie between 1950 and today (a
// graduation, a qualification).
func PastDate(t time.Time) error {
	if t.Before(time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)) || t.After(time.Now()) {
		return fmt.Errorf("%w: must lie between 1950 and today", ErrDate)
	}
	return nil
}

// VisaExpiry validates a visa validity date: from 2000 to 10 years ahead.
func VisaExpiry(t time.Time) error {
	if t.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) || t.After(time.Now().AddDate(10, 0, 0)) {
		return fmt.Errorf("%w: must lie between 2000 and ten years from now", ErrDate)
	}
	return nil
}

// VisaExpired reports whether a status of residence valid through
// expiresOn has expired at now. It is valid through its expiry date, so it
// has expired from the next day on; days are UTC calendar days. The one
// definition of "expired": Applicant.visaExpired shows it, and the
// applicant hook refuses an expiry entered through the API that it finds
// expired (ErrVisaExpired).
func VisaExpired(expiresOn, now time.Time) bool {
	ey, em, ed := expiresOn.UTC().Date()
	ny, nm, nd := now.UTC().Date()
	return time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC).After(time.Date(ey, em, ed, 0, 0, 0, 0, time.UTC))
}

// FieldError is a validation failure of one field of one entity. Its
// message names the field and the rule, never the value.
type FieldError struct {
	Field string // e.g. "Applicant.workHistory[1].to"
	Err   error
}

func (e *FieldError) Error() string { return "invalid " + e.Field + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// Field returns a *FieldError for field, or nil when err is nil.
func Field(field string, err error) error {
	if err == nil {
		return nil
	}
	return &FieldError{Field: field, Err: err}
}
