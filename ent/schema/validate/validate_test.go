package validate

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReferenceLists(t *testing.T) {
	if len(Prefectures) != 47 {
		t.Fatalf("%d prefectures", len(Prefectures))
	}
	if len(StatusesOfResidence) < 30 {
		t.Fatalf("%d statuses of residence", len(StatusesOfResidence))
	}
	for _, p := range Prefectures {
		if p.Code == "" || p.Name == "" || p.NameJA == "" {
			t.Errorf("incomplete prefecture %+v", p)
		}
	}
}

func TestValidators(t *testing.T) {
	cases := []struct {
		name  string
		check func(string) error
		ok    []string
		bad   []string
		err   error
	}{
		{"prefecture", PrefectureName, []string{"Tokyo", "Hokkaido", "Okinawa"}, []string{"", "tokyo", "Tokyo-to", "Atlantis"}, ErrPrefecture},
		{"visa", VisaStatus, []string{"STUDENT", "ENGINEER_HUMANITIES_INTERNATIONAL", "SPECIAL_PERMANENT_RESIDENT"}, []string{"", "student", "TOURIST"}, ErrVisaStatus},
		{"email", Email, []string{"a@example.com", "first.last+tag@sub.example.co.jp"}, []string{"", "a", "a@b", "a@example.com ", "A <a@example.com>", "a@@example.com", "a@.example.com", strings.Repeat("a", 250) + "@example.com"}, ErrEmail},
		{"phone", Phone, []string{"090-1234-5678", "09012345678", "03-1234-5678", "+81 90 1234 5678", "+63-917-123-4567"}, []string{"", "12345", "090-1234-56789-0", "-090-1234-5678", "call me", "+1"}, ErrPhone},
		{"postal code", PostalCode, []string{"150-0001"}, []string{"1500001", "150-001", "ABC-DEFG"}, ErrPostalCode},
		{"ip", IP, []string{"192.0.2.1", "2001:db8::1"}, []string{"", "256.1.1.1", "example.com"}, ErrIP},
		{"max len", MaxLen(5), []string{"abc", "あいうえお"}, []string{"", "   ", "abcdef"}, nil},
	}
	for _, c := range cases {
		for _, v := range c.ok {
			if err := c.check(v); err != nil {
				t.Errorf("%s(%q) = %v, want ok", c.name, v, err)
			}
		}
		for _, v := range c.bad {
			err := c.check(v)
			if err == nil || (c.err != nil && !errors.Is(err, c.err)) {
				t.Errorf("%s(%q) = %v, want %v", c.name, v, err, c.err)
			}
			if err != nil && len(v) > 3 && strings.Contains(err.Error(), v) {
				t.Errorf("%s(%q): the error echoes the value", c.name, v)
			}
		}
	}
}

func TestDates(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		name  string
		check func(time.Time) error
		ok    []time.Time
		bad   []time.Time
	}{
		{"birth date", BirthDate, []time.Time{now.AddDate(-30, 0, 0), now.AddDate(-16, 0, 0)}, []time.Time{now, now.AddDate(-14, 0, 0), now.AddDate(-101, 0, 0)}},
		{"past date", PastDate, []time.Time{now.AddDate(-1, 0, 0), time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)}, []time.Time{now.AddDate(0, 0, 2), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"visa expiry", VisaExpiry, []time.Time{now.AddDate(2, 0, 0), now.AddDate(-1, 0, 0)}, []time.Time{now.AddDate(11, 0, 0), time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		for _, d := range c.ok {
			if err := c.check(d); err != nil {
				t.Errorf("%s(%v) = %v", c.name, d, err)
			}
		}
		for _, d := range c.bad {
			if err := c.check(d); !errors.Is(err, ErrDate) {
				t.Errorf("%s(%v) = %v, want ErrDate", c.name, d, err)
			}
		}
	}
}

func TestFieldError(t *testing.T) {
	err := Field("Applicant.email", ErrEmail)
	if err.Error() != "invalid Applicant.email: "+ErrEmail.Error() || !errors.Is(err, ErrEmail) {
		t.Fatalf("got %v", err)
	}
	if Field("x", nil) != nil {
		t.Fatal("Field with a nil error is not nil")
	}
}

// TestVisaExpired: valid through the expiry day, by UTC calendar days,
// whatever the times of day and zones of the two instants.
func TestVisaExpired(t *testing.T) {
	jst := time.FixedZone("JST", 9*60*60)
	expires := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 12, 2, 23, 59, 59, 0, time.UTC), false},
		{time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 12, 3, 23, 59, 59, 0, time.UTC), false}, // the expiry day is still valid
		{time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 4, 8, 0, 0, 0, jst), false}, // 2026-12-03 23:00 UTC
		{time.Date(2026, 12, 4, 9, 0, 0, 0, jst), true},
		{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), true},
	}
	for _, c := range cases {
		if got := VisaExpired(expires, c.now); got != c.want {
			t.Errorf("VisaExpired(%v, %v) = %v, want %v", expires, c.now, got, c.want)
		}
	}
	if VisaExpired(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC), time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC)) {
		t.Error("an expiry stored with a time of day expires before its day ends")
	}
}
