package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"consentgate/ent/applicant"
)

// ---------------------------------------------------------------------------
// Helpers

// saveInBatches saves builders demoBatchSize at a time and returns what
// save returned, in order.
func saveInBatches[B, E any](ctx context.Context, builders []B, save func(context.Context, []B) ([]E, error)) ([]E, error) {
	var out []E
	for chunk := range slices.Chunk(builders, demoBatchSize) {
		saved, err := save(ctx, chunk)
		if err != nil {
			return nil, err
		}
		out = append(out, saved...)
	}
	return out, nil
}

// oneOf returns a uniformly chosen item.
func oneOf[T any](r *rand.Rand, items []T) T { return items[r.IntN(len(items))] }

// pickWeighted returns an item chosen with probability proportional to its
// weight.
func pickWeighted[T any](r *rand.Rand, items []T, weight func(T) int) T {
	total := 0
	for _, it := range items {
		total += weight(it)
	}
	n := r.IntN(total)
	for _, it := range items {
		if n -= weight(it); n < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

// pickSome returns n distinct items in a random order (all when n is larger).
func pickSome[T any](r *rand.Rand, items []T, n int) []T {
	out := make([]T, 0, n)
	for _, i := range r.Perm(len(items))[:min(n, len(items))] {
		out = append(out, items[i])
	}
	return out
}

// between returns a time in [lo, hi), to the minute; lo when hi is not
// after lo.
func between(r *rand.Rand, lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return lo.Add(time.Duration(r.Int64N(int64(hi.Sub(lo))))).Truncate(time.Minute)
}

// randomDay returns a date (midnight UTC) in [lo, hi].
func randomDay(r *rand.Rand, lo, hi time.Time) time.Time {
	lo = lo.Truncate(24 * time.Hour)
	days := int(hi.Sub(lo).Hours() / 24)
	return lo.AddDate(0, 0, r.IntN(max(days, 0)+1))
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// earliest returns the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// firstOfMonth returns the first day of t's month.
func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// asciiLower keeps the lowercase ASCII letters of s, for email addresses.
func asciiLower(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z':
			return c
		case c >= 'A' && c <= 'Z':
			return c + 'a' - 'A'
		}
		return -1
	}, s)
}

// mobilePhone returns a Japanese mobile number such as 090-1234-5678.
func mobilePhone(r *rand.Rand) string {
	return fmt.Sprintf("%s-%04d-%04d", oneOf(r, mobilePrefixes), r.IntN(10000), r.IntN(10000))
}

// abroadPhone returns an international number in the given country.
func abroadPhone(r *rand.Rand, callingCode string) string {
	return fmt.Sprintf("+%s %03d %03d %04d", callingCode, 100+r.IntN(900), r.IntN(1000), r.IntN(10000))
}

// documentationIP returns an address from the ranges reserved for
// documentation (RFC 5737, RFC 3849).
func documentationIP(r *rand.Rand) string {
	host := 1 + r.IntN(254)
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("192.0.2.%d", host)
	case 1:
		return fmt.Sprintf("198.51.100.%d", host)
	case 2:
		return fmt.Sprintf("203.0.113.%d", host)
	default:
		return fmt.Sprintf("2001:db8::%x", host)
	}
}

// streetAddress returns a town and chome-banchi-go, such as "Honcho 2-14-5".
func streetAddress(r *rand.Rand) string {
	return fmt.Sprintf("%s %d-%d-%d", oneOf(r, townNames), 1+r.IntN(5), 1+r.IntN(30), 1+r.IntN(20))
}

// prefectureWeight is how many times more applicants live in a prefecture
// than in a small one.
func prefectureWeight(name string) int {
	if w, ok := prefectureWeights[name]; ok {
		return w
	}
	return 1
}

// citiesOf returns cities of the prefecture: a few for the big ones, the
// prefectural capital for the rest.
func citiesOf(prefecture string) []city {
	if cs, ok := prefectureCities[prefecture]; ok {
		return cs
	}
	return []city{prefectureCapitals[prefecture]}
}

// rentPremium is how much more a rented home costs in the big cities.
func rentPremium(prefecture string) int {
	switch prefecture {
	case "Tokyo":
		return 30000
	case "Kanagawa", "Osaka", "Kyoto":
		return 15000
	case "Saitama", "Chiba", "Aichi", "Hyogo", "Fukuoka":
		return 8000
	}
	return 0
}

// dwellingOf returns the dwelling of the given kind.
func dwellingOf(kind applicant.DwellingType) dwelling {
	for _, d := range dwellings {
		if d.kind == kind {
			return d
		}
	}
	return dwellings[0]
}

// fieldProfile returns the profile of a field of work.
func fieldProfile(name string) *fieldOfWork {
	for _, f := range fieldProfiles {
		if f.name == name {
			return f
		}
	}
	return fieldProfiles[0]
}
