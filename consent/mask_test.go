package consent_test

import (
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"consentgate/consent"
	"consentgate/ent/schema/schematype"
)

// Named types standing in for ent enums and other named types: string
// masks and RANGE must never apply to them.
type (
	sex   string
	level int
	stamp time.Time
)

var prefectures = []string{
	"Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima",
	"Ibaraki", "Tochigi", "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa",
	"Niigata", "Toyama", "Ishikawa", "Fukui", "Yamanashi", "Nagano", "Gifu",
	"Shizuoka", "Aichi", "Mie", "Shiga", "Kyoto", "Osaka", "Hyogo", "Nara",
	"Wakayama", "Tottori", "Shimane", "Okayama", "Hiroshima", "Yamaguchi",
	"Tokushima", "Kagawa", "Ehime", "Kochi", "Fukuoka", "Saga", "Nagasaki",
	"Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa",
}

var (
	testKey = []byte("test-key")
	masker  = consent.Masker{HashKey: testKey, Prefectures: prefectures}
	bounds  = []int{0, 50000, 100000, 150000}
	jst     = time.FixedZone("JST", 9*60*60)
	hashRe  = regexp.MustCompile(`^h:[0-9a-f]{32}$`)
)

func mask(n consent.MaskName) consent.Mask { return consent.Mask{Name: n} }
func firstN(n int) consent.Mask            { return consent.Mask{Name: consent.MaskFirstN, N: n} }
func rangeOf(b ...int) consent.Mask        { return consent.Mask{Name: consent.MaskRange, Bounds: b} }

func ptr[T any](v T) *T { return &v }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// allMasks holds every mask name with usable parameters.
var allMasks = []consent.Mask{
	mask(consent.MaskNullify), mask(consent.MaskEmail), mask(consent.MaskLast4), firstN(3),
	mask(consent.MaskYear), mask(consent.MaskAgeBand), mask(consent.MaskPrefecture),
	mask(consent.MaskInitial), rangeOf(bounds...), mask(consent.MaskHash),
}

type maskCase struct {
	name   string
	mk     consent.Masker
	m      consent.Mask
	in     any
	want   any
	wantOK bool
}

// equal compares results exactly: same type, same value; times also in
// the same location.
func equal(got, want any) bool {
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		return false
	}
	switch w := want.(type) {
	case time.Time:
		g := got.(time.Time)
		return g.Equal(w) && g.Location() == w.Location()
	case *time.Time:
		g := got.(*time.Time)
		return g.Equal(*w) && g.Location() == w.Location()
	}
	return reflect.DeepEqual(got, want)
}

func runMaskCases(t *testing.T, cases []maskCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := c.mk.Apply(c.m, c.in)
			if ok != c.wantOK {
				t.Fatalf("Apply(%v, %#v) ok = %v, want %v (out %#v)", c.m, c.in, ok, c.wantOK, got)
			}
			if !ok {
				if got != nil {
					t.Errorf("failed Apply returned %#v, want nil", got)
				}
				return
			}
			if !equal(got, c.want) {
				t.Errorf("Apply(%v, %#v) = %#v, want %#v", c.m, c.in, got, c.want)
			}
		})
	}
}

func TestMaskNullify(t *testing.T) {
	m := mask(consent.MaskNullify)
	var cases []maskCase
	for name, in := range map[string]any{
		"string": "Jane", "*string": ptr("Jane"), "enum": sex("FEMALE"), "int": 42, "*int": ptr(42),
		"bool": true, "*bool": ptr(false), "time": date(1992, 7, 10), "*time": ptr(date(1992, 7, 10)),
		"[]string": []string{"a"}, "struct slice": []schematype.WorkHistoryEntry{{Company: "Acme"}},
		"named int": level(3), "float": 1.5, "map": map[string]int{"a": 1}, "nil": nil,
	} {
		cases = append(cases, maskCase{name: name, mk: masker, m: m, in: in, want: nil, wantOK: true})
	}
	runMaskCases(t, cases)
}

// TestMaskNil: a nil value or nil pointer has nothing to hide, whatever
// the mask (even one with bad parameters); an unknown mask name fails.
func TestMaskNil(t *testing.T) {
	nils := map[string]any{
		"nil": nil, "*string": (*string)(nil), "*int": (*int)(nil), "*bool": (*bool)(nil),
		"*time": (*time.Time)(nil), "[]string": []string(nil), "struct slice": []schematype.Qualification(nil),
		"*enum": (*sex)(nil),
	}
	masks := append(slices.Clone(allMasks), firstN(0), rangeOf(), rangeOf(3, 1))
	var cases []maskCase
	for _, m := range masks {
		for name, in := range nils {
			cases = append(cases, maskCase{name: m.String() + "/" + name, mk: masker, m: m, in: in, want: nil, wantOK: true})
		}
		cases = append(cases, maskCase{name: m.String() + "/zero Masker", m: m, in: (*string)(nil), want: nil, wantOK: true})
	}
	for _, in := range []any{nil, "x", ptr("x"), 1, date(2000, 1, 1)} {
		cases = append(cases, maskCase{name: "unknown mask", mk: masker, m: mask("REDACT"), in: in, wantOK: false})
		cases = append(cases, maskCase{name: "empty mask name", mk: masker, m: consent.Mask{}, in: in, wantOK: false})
	}
	runMaskCases(t, cases)
}

func TestMaskEmail(t *testing.T) {
	m := mask(consent.MaskEmail)
	runMaskCases(t, []maskCase{
		{"plain", masker, m, "jane.doe@example.com", "j***@example.com", true},
		{"one-letter parts", masker, m, "a@b", "a***@b", true},
		{"multibyte local part", masker, m, "グエン@example.jp", "グ***@example.jp", true},
		{"@ in local part: domain after last @", masker, m, `"a@b"@example.com`, `"***@example.com`, true},
		{"no @", masker, m, "jane.doe.example.com", nil, false},
		{"empty local part", masker, m, "@example.com", nil, false},
		{"empty domain", masker, m, "jane@", nil, false},
		{"only @", masker, m, "@", nil, false},
		{"empty", masker, m, "", nil, false},
		{"*string", masker, m, ptr("jane.doe@example.com"), ptr("j***@example.com"), true},
		{"*string bad", masker, m, ptr("nope"), nil, false},
		{"[]string", masker, m, []string{"jane@example.com", "bob@example.org"}, []string{"j***@example.com", "b***@example.org"}, true},
		{"[]string empty", masker, m, []string{}, []string{}, true},
		{"[]string one bad element", masker, m, []string{"jane@example.com", "nope"}, nil, false},
		{"enum", masker, m, sex("a@b.c"), nil, false},
		{"*enum", masker, m, ptr(sex("a@b.c")), nil, false},
		{"int", masker, m, 5, nil, false},
		{"bool", masker, m, true, nil, false},
		{"time", masker, m, date(2000, 1, 1), nil, false},
		{"struct slice", masker, m, []schematype.EmergencyContact{{Name: "a@b.c"}}, nil, false},
		{"**string", masker, m, ptr(ptr("a@b.c")), nil, false},
	})
}

func TestMaskLast4(t *testing.T) {
	m := mask(consent.MaskLast4)
	runMaskCases(t, []maskCase{
		{"phone", masker, m, "090-1234-5678", "*********5678", true},
		{"five runes", masker, m, "12345", "*2345", true},
		{"four runes", masker, m, "1234", "****", true},
		{"two runes", masker, m, "12", "****", true},
		{"empty", masker, m, "", "****", true},
		{"multibyte", masker, m, "グエン ヴァン アン", "******ン アン", true},
		{"multibyte short", masker, m, "グエン", "****", true},
		{"*string", masker, m, ptr("090-1234-5678"), ptr("*********5678"), true},
		{"*string empty", masker, m, ptr(""), ptr("****"), true},
		{"[]string", masker, m, []string{"090-1234-5678", "12"}, []string{"*********5678", "****"}, true},
		{"enum", masker, m, sex("FEMALE"), nil, false},
		{"int", masker, m, 12345678, nil, false},
		{"*int", masker, m, ptr(12345678), nil, false},
		{"time", masker, m, date(2000, 1, 1), nil, false},
		{"struct slice", masker, m, []schematype.EmergencyContact{{Phone: "090"}}, nil, false},
	})
}

func TestMaskFirstN(t *testing.T) {
	runMaskCases(t, []maskCase{
		{"cut", masker, firstN(3), "Nguyen", "Ngu…", true},
		{"exactly N", masker, firstN(3), "Ngu", "Ngu", true},
		{"shorter", masker, firstN(3), "Ng", "Ng", true},
		{"empty", masker, firstN(3), "", "", true},
		{"N=1", masker, firstN(1), "Maria", "M…", true},
		{"multibyte", masker, firstN(2), "グエン ヴァン アン", "グエ…", true},
		{"N=0", masker, firstN(0), "Maria", nil, false},
		{"N<0", masker, firstN(-1), "Maria", nil, false},
		{"*string", masker, firstN(3), ptr("Nguyen"), ptr("Ngu…"), true},
		{"[]string", masker, firstN(3), []string{"Nguyen", "An"}, []string{"Ngu…", "An"}, true},
		{"enum", masker, firstN(3), sex("FEMALE"), nil, false},
		{"int", masker, firstN(3), 12345, nil, false},
		{"time", masker, firstN(3), date(2000, 1, 1), nil, false},
	})
}

func TestMaskYear(t *testing.T) {
	m := mask(consent.MaskYear)
	runMaskCases(t, []maskCase{
		{"time", masker, m, time.Date(1992, 7, 10, 13, 45, 0, 0, jst), date(1992, 1, 1), true},
		{"own location's year", masker, m, time.Date(1992, 1, 1, 0, 30, 0, 0, jst), date(1992, 1, 1), true},
		{"already Jan 1", masker, m, date(2001, 1, 1), date(2001, 1, 1), true},
		{"zero time", masker, m, time.Time{}, date(1, 1, 1), true},
		{"*time", masker, m, ptr(time.Date(1992, 7, 10, 13, 45, 0, 0, jst)), ptr(date(1992, 1, 1)), true},
		{"string", masker, m, "1992-07-10", nil, false},
		{"int", masker, m, 1992, nil, false},
		{"named time", masker, m, stamp(date(1992, 7, 10)), nil, false},
		{"[]string", masker, m, []string{"1992"}, nil, false},
		{"struct slice", masker, m, []schematype.WorkHistoryEntry{{From: date(1992, 7, 10)}}, nil, false},
	})
}

func TestMaskAgeBand(t *testing.T) {
	m := mask(consent.MaskAgeBand)
	runMaskCases(t, []maskCase{
		{"1992", masker, m, time.Date(1992, 7, 10, 8, 0, 0, 0, jst), date(1990, 1, 1), true},
		{"band start", masker, m, date(1990, 1, 1), date(1990, 1, 1), true},
		{"band end", masker, m, time.Date(1994, 12, 31, 23, 59, 59, 0, time.UTC), date(1990, 1, 1), true},
		{"next band", masker, m, date(1995, 1, 1), date(1995, 1, 1), true},
		{"leap day", masker, m, date(2004, 2, 29), date(2000, 1, 1), true},
		{"negative year", masker, m, date(-3, 6, 1), date(-5, 1, 1), true},
		{"*time", masker, m, ptr(date(1987, 3, 3)), ptr(date(1985, 1, 1)), true},
		{"string", masker, m, "1992-07-10", nil, false},
		{"int", masker, m, 1992, nil, false},
		{"named time", masker, m, stamp(date(1992, 7, 10)), nil, false},
	})
}

func TestMaskPrefecture(t *testing.T) {
	m := mask(consent.MaskPrefecture)
	ja := consent.Masker{Prefectures: []string{"東京都", "大阪府"}}
	overlap := consent.Masker{Prefectures: []string{"Kyoto", "Kyoto Fu"}}
	none := consent.Masker{HashKey: testKey, Prefectures: []string{}}
	runMaskCases(t, []maskCase{
		{"exact", masker, m, "Tokyo", "Tokyo", true},
		{"address with comma", masker, m, "Osaka, Kita-ku Umeda 1-1", "Osaka", true},
		{"address with space", masker, m, "Hokkaido Sapporo-shi", "Hokkaido", true},
		{"prefix of a longer word", masker, m, "Tokyoite", nil, false},
		{"wrong case", masker, m, "tokyo", nil, false},
		{"prefecture not first", masker, m, "Kita-ku, Osaka", nil, false},
		{"unknown", masker, m, "Atlantis", nil, false},
		{"empty", masker, m, "", nil, false},
		{"japanese", ja, m, "東京都 新宿区", "東京都", true},
		{"japanese exact", ja, m, "大阪府", "大阪府", true},
		{"japanese without separator", ja, m, "東京都新宿区", nil, false},
		{"longest name wins", overlap, m, "Kyoto Fu, Kyoto-shi", "Kyoto Fu", true},
		{"no prefectures", none, m, "Tokyo", nil, false},
		{"*string", masker, m, ptr("Osaka, Kita-ku"), ptr("Osaka"), true},
		{"[]string", masker, m, []string{"Tokyo", "Osaka, Kita-ku"}, []string{"Tokyo", "Osaka"}, true},
		{"[]string one unknown", masker, m, []string{"Tokyo", "Atlantis"}, nil, false},
		{"enum", masker, m, sex("Tokyo"), nil, false},
		{"int", masker, m, 13, nil, false},
	})
}

func TestMaskInitial(t *testing.T) {
	m := mask(consent.MaskInitial)
	runMaskCases(t, []maskCase{
		{"three parts", masker, m, "Nguyen Van An", "N. V. A.", true},
		{"one part lower case", masker, m, "maria", "M.", true},
		{"extra white space", masker, m, "  jane \t  doe\n", "J. D.", true},
		{"accented", masker, m, "élodie durand", "É. D.", true},
		{"katakana", masker, m, "グエン ヴァン アン", "グ. ヴ. ア.", true},
		{"ideographic space", masker, m, "グエン\u3000ヴァン", "グ. ヴ.", true},
		{"empty", masker, m, "", nil, false},
		{"blank", masker, m, " \t\u3000", nil, false},
		{"*string", masker, m, ptr("Nguyen Van An"), ptr("N. V. A."), true},
		{"[]string", masker, m, []string{"Nguyen Van An", "maria"}, []string{"N. V. A.", "M."}, true},
		{"[]string one blank", masker, m, []string{"maria", " "}, nil, false},
		{"enum", masker, m, sex("FEMALE"), nil, false},
		{"int", masker, m, 7, nil, false},
		{"time", masker, m, date(2000, 1, 1), nil, false},
	})
}

func TestMaskRange(t *testing.T) {
	m := rangeOf(bounds...)
	runMaskCases(t, []maskCase{
		{"between", masker, m, 85000, 50000, true},
		{"above last", masker, m, 200000, 150000, true},
		{"on a bound", masker, m, 50000, 50000, true},
		{"first bound", masker, m, 0, 0, true},
		{"below first", masker, m, -5, 0, true},
		{"*int", masker, m, ptr(85000), ptr(50000), true},
		{"int64", masker, m, int64(85000), int64(50000), true},
		{"int32", masker, m, int32(120000), int32(100000), true},
		{"uint", masker, m, uint(85000), uint(50000), true},
		{"uint64 max", masker, m, uint64(math.MaxUint64), uint64(150000), true},
		{"int64 min", masker, m, int64(math.MinInt64), int64(0), true},
		{"*uint16", masker, m, ptr(uint16(60000)), ptr(uint16(50000)), true},
		{"int8 fits", masker, m, int8(100), int8(0), true},
		{"int8 bound too large", masker, rangeOf(1000), int8(5), nil, false},
		{"uint negative bound below", masker, rangeOf(-10, 0, 10), uint(5), uint(0), true},
		{"uint only negative bounds", masker, rangeOf(-10, -5), uint(5), nil, false},
		{"single bound", masker, rangeOf(18), 40, 18, true},
		{"empty bounds", masker, rangeOf(), 85000, nil, false},
		{"unsorted bounds", masker, rangeOf(0, 100, 50), 85, nil, false},
		{"duplicate bounds", masker, rangeOf(0, 0, 50), 85, nil, false},
		{"named int", masker, m, level(85000), nil, false},
		{"*named int", masker, m, ptr(level(85000)), nil, false},
		{"string", masker, m, "85000", nil, false},
		{"float", masker, m, 85000.0, nil, false},
		{"bool", masker, m, true, nil, false},
		{"time", masker, m, date(2000, 1, 1), nil, false},
		{"[]int", masker, m, []int{85000}, nil, false},
	})
}

func TestMaskHash(t *testing.T) {
	m := mask(consent.MaskHash)
	// Expected tokens computed independently (Python hmac, SHA-256).
	const jane = "h:6d478d476eced4d46713f2809a0aeb2b"
	runMaskCases(t, []maskCase{
		{"email", masker, m, "jane.doe@example.com", jane, true},
		{"multibyte", masker, m, "グエン ヴァン アン", "h:099710a94da9cef493024b1d302c69b9", true},
		{"empty", masker, m, "", "h:2711cc23e9ab1b8a9bc0fe991238da92", true},
		{"other key", consent.Masker{HashKey: []byte("other-key")}, m, "jane.doe@example.com", "h:1dc933f672c9b13fbc0f94b554f1b8c0", true},
		{"no key", consent.Masker{}, m, "jane.doe@example.com", nil, false},
		{"empty key", consent.Masker{HashKey: []byte{}, Prefectures: prefectures}, m, "jane.doe@example.com", nil, false},
		{"*string", masker, m, ptr("jane.doe@example.com"), ptr(jane), true},
		{"[]string", masker, m, []string{"jane.doe@example.com", ""}, []string{jane, "h:2711cc23e9ab1b8a9bc0fe991238da92"}, true},
		{"enum", masker, m, sex("FEMALE"), nil, false},
		{"int", masker, m, 42, nil, false},
		{"time", masker, m, date(2000, 1, 1), nil, false},
		{"struct slice", masker, m, []schematype.Qualification{{Name: "JLPT N2"}}, nil, false},
	})
}

func TestMaskHashStability(t *testing.T) {
	m := mask(consent.MaskHash)
	a := consent.Masker{HashKey: []byte("key-a")}
	b := consent.Masker{HashKey: []byte("key-b")}
	for _, v := range []string{"jane.doe@example.com", "グエン ヴァン アン", "", "x"} {
		t.Run(v, func(t *testing.T) {
			a1, ok1 := a.Apply(m, v)
			a2, ok2 := consent.Masker{HashKey: []byte("key-a")}.Apply(m, v)
			b1, ok3 := b.Apply(m, v)
			if !ok1 || !ok2 || !ok3 {
				t.Fatal("HASH failed")
			}
			if a1 != a2 {
				t.Errorf("same key, same value: %v != %v", a1, a2)
			}
			if a1 == b1 {
				t.Errorf("different keys give the same token %v", a1)
			}
			if !hashRe.MatchString(a1.(string)) || !hashRe.MatchString(b1.(string)) {
				t.Errorf("bad format %q, %q", a1, b1)
			}
			if other, _ := a.Apply(m, v+"."); other == a1 {
				t.Errorf("different values give the same token %v", a1)
			}
		})
	}
}

// samples is one value of every type resolvers return.
func samples() map[string]any {
	return map[string]any{
		"string": "Jane Doe, jane@example.com", "*string": ptr("Osaka, Kita-ku"), "enum": sex("FEMALE"),
		"*enum": ptr(sex("MALE")), "int": 85000, "*int": ptr(85000), "int64": int64(7), "uint8": uint8(200),
		"named int": level(2), "bool": true, "*bool": ptr(true), "time": time.Date(1992, 7, 10, 8, 0, 0, 0, jst),
		"*time": ptr(date(1992, 7, 10)), "[]string": []string{"Tokyo", "jane@example.com"},
		"[]string empty": []string{}, "struct slice": []schematype.WorkHistoryEntry{{Company: "Acme", From: date(2019, 4, 1)}},
		"multibyte": "グエン ヴァン アン",
	}
}

// TestMaskTypePreserved: whenever a mask applies and returns a value, it
// has the input's exact type.
func TestMaskTypePreserved(t *testing.T) {
	for _, m := range allMasks {
		for name, in := range samples() {
			t.Run(m.String()+"/"+name, func(t *testing.T) {
				out, ok := masker.Apply(m, in)
				if ok && out != nil && reflect.TypeOf(out) != reflect.TypeOf(in) {
					t.Errorf("Apply(%v, %T) returned %T", m, in, out)
				}
				if !ok && out != nil {
					t.Errorf("failed Apply returned %#v", out)
				}
			})
		}
	}
}

// TestMaskNoMutation: pointer and slice inputs are unchanged after Apply,
// and masked pointers and slices are new ones.
func TestMaskNoMutation(t *testing.T) {
	for _, m := range allMasks {
		t.Run(m.String(), func(t *testing.T) {
			s := "jane.doe@example.com"
			ps := &s
			if out, ok := masker.Apply(m, ps); ok && out != nil && out.(*string) == ps {
				t.Error("returned the input pointer")
			}
			if s != "jane.doe@example.com" {
				t.Errorf("*string mutated to %q", s)
			}

			tm := time.Date(1992, 7, 10, 8, 0, 0, 0, jst)
			pt := &tm
			if out, ok := masker.Apply(m, pt); ok && out != nil && out.(*time.Time) == pt {
				t.Error("returned the input pointer")
			}
			if !tm.Equal(time.Date(1992, 7, 10, 8, 0, 0, 0, jst)) || tm.Location() != jst {
				t.Errorf("*time.Time mutated to %v", tm)
			}

			n := 85000
			pn := &n
			if out, ok := masker.Apply(m, pn); ok && out != nil && out.(*int) == pn {
				t.Error("returned the input pointer")
			}
			if n != 85000 {
				t.Errorf("*int mutated to %d", n)
			}

			in := []string{"Tokyo", "Osaka, Kita-ku"}
			want := slices.Clone(in)
			if out, ok := masker.Apply(m, in); ok && out != nil && &out.([]string)[0] == &in[0] {
				t.Error("returned the input slice")
			}
			if !slices.Equal(in, want) {
				t.Errorf("[]string mutated to %q", in)
			}

			wh := []schematype.WorkHistoryEntry{{Company: "Acme", To: ptr(date(2020, 3, 31))}}
			masker.Apply(m, wh)
			if wh[0].Company != "Acme" || !wh[0].To.Equal(date(2020, 3, 31)) {
				t.Errorf("struct slice mutated to %+v", wh)
			}
		})
	}
}

func TestMaskString(t *testing.T) {
	for _, c := range []struct {
		name string
		m    consent.Mask
		want string
	}{
		{"plain", mask(consent.MaskEmail), "EMAIL"},
		{"nullify", mask(consent.MaskNullify), "NULLIFY"},
		{"first n", firstN(3), "FIRST_N(3)"},
		{"range", rangeOf(0, 50000, 100000), "RANGE(0,50000,100000)"},
		{"range negative", rangeOf(-10, 5), "RANGE(-10,5)"},
		{"range empty", rangeOf(), "RANGE()"},
		{"unknown", mask("REDACT"), "REDACT"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.m.String(); got != c.want {
				t.Errorf("String() = %q, want %q", got, c.want)
			}
		})
	}
}

// isTokenAlphabet reports whether s could occur inside a HASH token: it is
// made only of lower-case hex digits, 'h' and ':'.
func isTokenAlphabet(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789abcdefh:", r) })
}

// FuzzMasks applies every mask to fuzzed strings, integers and times.
func FuzzMasks(f *testing.F) {
	f.Add("jane.doe@example.com", int64(85000), int64(710694000), 3, 9*3600)
	f.Add("090-1234-5678", int64(-5), int64(0), 1, 0)
	f.Add("グエン ヴァン アン", int64(math.MaxInt64), int64(-62135596800), 0, -3600)
	f.Add("Osaka, Kita-ku", int64(math.MinInt64), int64(253402300799), -1, 86399)
	f.Add("", int64(0), int64(-1), 100, 1)
	f.Add("1234", int64(150000), int64(1<<40), 4, 0)
	f.Add("\xff\xfe@\xe3\x81", int64(1), int64(-1<<40), 2, 0)
	f.Add("h:ab", int64(49999), int64(946684800), 5, 0)

	a := consent.Masker{HashKey: []byte("fuzz-key-a"), Prefectures: prefectures}
	b := consent.Masker{HashKey: []byte("fuzz-key-b"), Prefectures: prefectures}
	f.Fuzz(func(t *testing.T, s string, i int64, sec int64, n int, offset int) {
		tm := time.Unix(sec, 0).In(time.FixedZone("z", offset%(24*3600)))
		masks := append(slices.Clone(allMasks), firstN(n), rangeOf(int(i%1000), 1000, int(i%1000)+5000))
		values := []any{
			s, ptr(s), []string{s, s + " x"}, sex(s), int(i), ptr(int(i)), i, int8(i), uint64(i), level(i),
			tm, ptr(tm), stamp(tm), i%2 == 0, []schematype.EmergencyContact{{Name: s}},
		}
		for _, m := range masks {
			for _, in := range values {
				out, ok := a.Apply(m, in)
				if !ok && out != nil {
					t.Fatalf("Apply(%v, %#v) failed but returned %#v", m, in, out)
				}
				if ok && out != nil && reflect.TypeOf(out) != reflect.TypeOf(in) {
					t.Fatalf("Apply(%v, %T) returned %T", m, in, out)
				}
			}
			if got, ok := a.Apply(m, ptr(s)); ok && got != nil {
				want, _ := a.Apply(m, s)
				if *got.(*string) != want {
					t.Fatalf("%v: *string %q, string %q", m, *got.(*string), want)
				}
			}
		}

		// LAST4 never shows more than the last four runes.
		out, ok := a.Apply(mask(consent.MaskLast4), s)
		if !ok {
			t.Fatalf("LAST4(%q) failed", s)
		}
		in, got := []rune(s), []rune(out.(string))
		if len(in) <= 4 {
			if out != "****" {
				t.Fatalf("LAST4(%q) = %q, want ****", s, out)
			}
		} else {
			if len(got) != len(in) {
				t.Fatalf("LAST4(%q) = %q: %d runes, want %d", s, out, len(got), len(in))
			}
			if strings.Trim(string(got[:len(got)-4]), "*") != "" {
				t.Fatalf("LAST4(%q) = %q shows more than the last 4 runes", s, out)
			}
			if !slices.Equal(got[len(got)-4:], in[len(in)-4:]) {
				t.Fatalf("LAST4(%q) = %q does not end in the last 4 runes", s, out)
			}
		}

		// FIRST_N shows at most the first n runes.
		if out, ok := a.Apply(firstN(n), s); ok {
			o := out.(string)
			kept := strings.TrimSuffix(o, "…")
			if n < 1 || !strings.HasPrefix(s, kept) || utf8.RuneCountInString(kept) > n ||
				(o != s && utf8.RuneCountInString(kept) != n) {
				t.Fatalf("FIRST_N(%d)(%q) = %q", n, s, o)
			}
		} else if n >= 1 {
			t.Fatalf("FIRST_N(%d)(%q) failed", n, s)
		}

		// HASH is a fixed-format token, stable, key-dependent, and never
		// contains the input.
		ha, ok1 := a.Apply(mask(consent.MaskHash), s)
		ha2, ok2 := a.Apply(mask(consent.MaskHash), s)
		hb, ok3 := b.Apply(mask(consent.MaskHash), s)
		if !ok1 || !ok2 || !ok3 {
			t.Fatalf("HASH(%q) failed", s)
		}
		if !hashRe.MatchString(ha.(string)) || ha != ha2 || ha == hb {
			t.Fatalf("HASH(%q) = %q, %q; other key %q", s, ha, ha2, hb)
		}
		if len(s) >= 4 && !isTokenAlphabet(s) && strings.Contains(ha.(string), s) {
			t.Fatalf("HASH(%q) = %q contains the input", s, ha)
		}

		// YEAR and AGE_BAND: January 1, 00:00 UTC, of the year or its band.
		if y := tm.Year(); y > -1e8 && y < 1e8 {
			yr, _ := a.Apply(mask(consent.MaskYear), tm)
			band, _ := a.Apply(mask(consent.MaskAgeBand), tm)
			for _, o := range []time.Time{yr.(time.Time), band.(time.Time)} {
				if o.Location() != time.UTC || o.Month() != time.January || o.Day() != 1 || o.Hour() != 0 || o.Nanosecond() != 0 {
					t.Fatalf("%v → %v", tm, o)
				}
			}
			if by := band.(time.Time).Year(); yr.(time.Time).Year() != y || by%5 != 0 || by > y || y-by >= 5 {
				t.Fatalf("%v → YEAR %v, AGE_BAND %v", tm, yr, band)
			}
		}

		// RANGE: a bound, the largest not above i (or the first).
		bs := []int{int(i % 1000), 1000, int(i%1000) + 5000}
		if bs[0] < bs[1] && bs[1] < bs[2] {
			r, ok := a.Apply(rangeOf(bs...), int(i))
			if !ok || !slices.Contains(bs, r.(int)) || (r.(int) > int(i) && r.(int) != bs[0]) {
				t.Fatalf("RANGE(%v)(%d) = %v, %v", bs, i, r, ok)
			}
			for _, b := range bs {
				if b <= int(i) && b > r.(int) {
					t.Fatalf("RANGE(%v)(%d) = %v, not the largest bound ≤ %d", bs, i, r, i)
				}
			}
		}
	})
}
