package consent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Masker applies masks. Its dependencies are passed in: the HMAC key for
// HASH and the prefecture names for PREFECTURE.
//
// What each mask does, and to which Go types it applies ("string" means the
// predeclared string type only, never a named string type such as an ent
// enum; "*T" is a nil-able pointer to T; "[]string" is applied elementwise
// and fails as a whole if one element fails):
//
//	mask        applies to                      result
//	----------  ------------------------------  ------------------------------------------------
//	NULLIFY     any value                       nil
//	EMAIL       string, *string, []string       "jane.doe@example.com" → "j***@example.com"
//	LAST4       string, *string, []string       "090-1234-5678" → "*********5678"; ≤ 4 runes → "****"
//	FIRST_N     string, *string, []string       first N runes, + "…" if cut; N < 1 fails
//	YEAR        time.Time, *time.Time           1992-07-10 → 1992-01-01 00:00 UTC
//	AGE_BAND    time.Time, *time.Time           1992-07-10 → 1990-01-01 00:00 UTC (born 1990–1994)
//	PREFECTURE  string, *string, []string       "Osaka, Kita-ku …" → "Osaka"; unknown prefecture fails
//	INITIAL     string, *string, []string       "Nguyen Van An" → "N. V. A."; blank fails
//	RANGE       int, *int, other integer kinds  bounds [0,50000,100000]: 85000 → 50000
//	HASH        string, *string, []string       "h:" + 32 hex digits of HMAC-SHA256; no key fails
//
// Any other combination fails (ok=false), as does an unknown mask name.
// A nil value or nil pointer gives (nil, true) for every known mask: there
// is nothing to hide.
type Masker struct {
	HashKey     []byte   // secret key of HASH (from configuration); HASH hides when empty
	Prefectures []string // the 47 prefecture names PREFECTURE recognises, e.g. "Tokyo", "Hokkaido"
}

var (
	stringType  = reflect.TypeFor[string]()
	stringsType = reflect.TypeFor[[]string]()
	timeType    = reflect.TypeFor[time.Time]()
)

// Apply masks v with m. It returns the masked value, of the same Go type as
// v (or nil, which the API renders as null), and ok=false when the mask does
// not apply to this value or type: the caller must then hide the field
// (fail closed).
//
// Apply never mutates v: a masked pointer or slice is a new one. An unknown
// mask name fails for every value; otherwise a nil value (nil interface,
// pointer, slice or map) gives (nil, true), and NULLIFY gives (nil, true)
// for every value. Pointers are masked through one level (*string,
// *time.Time, *int, ...), slices only when they are exactly []string.
func (mk Masker) Apply(m Mask, v any) (out any, ok bool) {
	if !slices.Contains(MaskNames, m.Name) {
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || m.Name == MaskNullify {
		return nil, true
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		if rv.IsNil() {
			return nil, true
		}
	}
	switch {
	case rv.Kind() == reflect.Pointer:
		r, ok := mk.scalar(m, rv.Elem())
		if !ok {
			return nil, false
		}
		p := reflect.New(rv.Type().Elem())
		p.Elem().Set(r)
		return p.Interface(), true
	case rv.Type() == stringsType:
		s := reflect.MakeSlice(stringsType, rv.Len(), rv.Len())
		for i := range rv.Len() {
			r, ok := mk.scalar(m, rv.Index(i))
			if !ok {
				return nil, false
			}
			s.Index(i).Set(r)
		}
		return s.Interface(), true
	}
	r, ok := mk.scalar(m, rv)
	if !ok {
		return nil, false
	}
	return r.Interface(), true
}

// scalar masks one value that is not a pointer or slice: a plain string, a
// time.Time or a predeclared integer. The result has v's type.
func (mk Masker) scalar(m Mask, v reflect.Value) (reflect.Value, bool) {
	switch t := v.Type(); {
	case t == stringType:
		s, ok := mk.maskString(m, v.String())
		return reflect.ValueOf(s), ok
	case t == timeType:
		tm, ok := maskTime(m, v.Interface().(time.Time))
		return reflect.ValueOf(tm), ok
	case m.Name == MaskRange && isPlainInt(t):
		return rangeInt(m.Bounds, v)
	}
	return reflect.Value{}, false
}

// maskString applies a string mask to s.
func (mk Masker) maskString(m Mask, s string) (string, bool) {
	switch m.Name {
	case MaskEmail:
		return email(s)
	case MaskLast4:
		return last4(s), true
	case MaskFirstN:
		return firstN(s, m.N)
	case MaskPrefecture:
		return mk.prefecture(s)
	case MaskInitial:
		return initials(s)
	case MaskHash:
		return mk.hash(s)
	}
	return "", false
}

// maskTime applies a time mask to t.
func maskTime(m Mask, t time.Time) (time.Time, bool) {
	switch m.Name {
	case MaskYear:
		return year(t), true
	case MaskAgeBand:
		return ageBand(t), true
	}
	return time.Time{}, false
}

// email is EMAIL: the first rune of the local part, "***", then "@" and the
// domain unchanged: "jane.doe@example.com" → "j***@example.com". The local
// part ends at the last "@". It fails without an "@", with an empty local
// part or with an empty domain.
func email(s string) (string, bool) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", false
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size] + "***" + s[at:], true
}

// last4 is LAST4: every rune but the last four becomes '*', keeping the
// length in runes: "090-1234-5678" → "*********5678". A value of four runes
// or fewer, including the empty string, becomes "****".
func last4(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 4 {
		return "****"
	}
	return strings.Repeat("*", n-4) + s[runeOffset(s, n-4):]
}

// firstN is FIRST_N: the first n runes of s, followed by "…" (U+2026) if s
// was longer. It fails for n < 1.
func firstN(s string, n int) (string, bool) {
	if n < 1 {
		return "", false
	}
	if utf8.RuneCountInString(s) <= n {
		return s, true
	}
	return s[:runeOffset(s, n)] + "…", true
}

// runeOffset returns the byte offset of s's rune number i (from 0), or
// len(s) if s has i runes or fewer.
func runeOffset(s string, i int) int {
	for off := range s {
		if i == 0 {
			return off
		}
		i--
	}
	return len(s)
}

// year is YEAR: January 1, 00:00 UTC, of t's year (as t records it, in t's
// own location).
func year(t time.Time) time.Time {
	return time.Date(t.Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
}

// ageBand is AGE_BAND on a date of birth: January 1, 00:00 UTC, of the
// birth year rounded down to a multiple of five, so 1992-07-10 → 1990-01-01
// ("born 1990–1994"). It depends on the date only, never on the clock.
func ageBand(t time.Time) time.Time {
	y := t.Year()
	y -= (y%5 + 5) % 5 // round down, also for years before year 0
	return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
}

// prefecture is PREFECTURE: s itself if it is one of mk.Prefectures; the
// prefecture if s starts with one followed by a space or a comma ("Osaka,
// Kita-ku ..." → "Osaka"; the longest such name wins); otherwise it fails.
// Matching is exact and case-sensitive. It fails when mk.Prefectures is
// empty; empty names in it are ignored.
func (mk Masker) prefecture(s string) (string, bool) {
	best := ""
	for _, p := range mk.Prefectures {
		if p == "" || !strings.HasPrefix(s, p) {
			continue
		}
		if len(s) == len(p) {
			return p, true
		}
		if c := s[len(p)]; (c == ' ' || c == ',') && len(p) > len(best) {
			best = p
		}
	}
	return best, best != ""
}

// initials is INITIAL: s split on white space, each part reduced to its
// first rune upper-cased and ".", joined by single spaces: "Nguyen Van An"
// → "N. V. A.", "maria" → "M.". It fails for a blank s.
func initials(s string) (string, bool) {
	parts := strings.Fields(s)
	if len(parts) == 0 {
		return "", false
	}
	for i, p := range parts {
		r, _ := utf8.DecodeRuneInString(p)
		parts[i] = string(unicode.ToUpper(r)) + "."
	}
	return strings.Join(parts, " "), true
}

// hash is HASH: "h:" followed by the first 16 bytes, lower-case hex, of the
// HMAC-SHA256 of s under mk.HashKey. The same value and key always give the
// same token. It fails when mk.HashKey is empty.
func (mk Masker) hash(s string) (string, bool) {
	if len(mk.HashKey) == 0 {
		return "", false
	}
	h := hmac.New(sha256.New, mk.HashKey)
	h.Write([]byte(s))
	return "h:" + hex.EncodeToString(h.Sum(nil)[:16]), true
}

// isPlainInt reports whether t is a predeclared integer type. Named integer
// types (enums) are not: a bucketed value would not be a valid member.
func isPlainInt(t reflect.Type) bool {
	if t.PkgPath() != "" {
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// rangeInt is RANGE on an integer v: the largest of bounds not above v, or
// the first bound if v is below all of them. It fails when bounds is empty
// or not strictly ascending, and when the bound does not fit v's type (a
// negative bound for an unsigned v, 1000 for an int8).
func rangeInt(bounds []int, v reflect.Value) (reflect.Value, bool) {
	if len(bounds) == 0 {
		return reflect.Value{}, false
	}
	for i := 1; i < len(bounds); i++ {
		if bounds[i] <= bounds[i-1] {
			return reflect.Value{}, false
		}
	}
	atMost := func(b int) bool { // b ≤ v, without overflow
		if v.CanInt() {
			return int64(b) <= v.Int()
		}
		return b < 0 || uint64(b) <= v.Uint()
	}
	r := bounds[0]
	for _, b := range bounds[1:] {
		if !atMost(b) {
			break
		}
		r = b
	}
	out := reflect.New(v.Type()).Elem()
	if out.CanInt() {
		if out.OverflowInt(int64(r)) {
			return reflect.Value{}, false
		}
		out.SetInt(int64(r))
		return out, true
	}
	if r < 0 || out.OverflowUint(uint64(r)) {
		return reflect.Value{}, false
	}
	out.SetUint(uint64(r))
	return out, true
}

// String renders m for documentation: "EMAIL", "FIRST_N(3)",
// "RANGE(0,50000,100000)".
func (m Mask) String() string {
	switch m.Name {
	case MaskFirstN:
		return fmt.Sprintf("%s(%d)", m.Name, m.N)
	case MaskRange:
		bs := make([]string, len(m.Bounds))
		for i, b := range m.Bounds {
			bs[i] = strconv.Itoa(b)
		}
		return fmt.Sprintf("%s(%s)", m.Name, strings.Join(bs, ","))
	}
	return string(m.Name)
}

// Pseudonym is the keyed, stable token of the applicant whose id is
// subjectID: "s:" and 32 hex digits of HMAC-SHA256 under HashKey. The
// access records keep it after the subject's deletion, and consent
// receipts name their subject by it: no personal value, and the same
// subject in both.
func (m Masker) Pseudonym(subjectID int) string {
	mac := hmac.New(sha256.New, m.HashKey)
	mac.Write([]byte("applicant:" + strconv.Itoa(subjectID)))
	return "s:" + hex.EncodeToString(mac.Sum(nil)[:16])
}
