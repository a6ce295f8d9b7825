package consent

import (
	"fmt"
	"slices"
	"time"
)

// Dimension is what a statistics query may group and filter applicants by.
// Seven are personal data, each derived from one category and usable only
// as far as the purpose's rule for that category releases it
// (Engine.Groupable); two are service data, usable by every aggregate
// purpose.
type Dimension string

// The dimensions, with the category each comes from and what of it the
// purpose must release.
const (
	ByPrefecture        Dimension = "PREFECTURE"         // ADDRESS_REGION, plain or masked PREFECTURE: the prefecture name
	ByAgeBand           Dimension = "AGE_BAND"           // BIRTH_DATE, plain or masked AGE_BAND: "30-34" (AgeBand)
	BySex               Dimension = "SEX"                // SEX, plain
	ByVisaStatus        Dimension = "VISA_STATUS"        // VISA, plain: the status, not its validity period
	ByEducationLevel    Dimension = "EDUCATION_LEVEL"    // EDUCATION, plain
	ByOccupation        Dimension = "OCCUPATION"         // OCCUPATION, plain
	ByDesiredField      Dimension = "DESIRED_FIELD"      // PREFERENCES, plain
	ByApplicationStatus Dimension = "APPLICATION_STATUS" // service data: the status of the applicant's latest application
	ByMonth             Dimension = "MONTH"              // service data: the month the applicant registered, "YYYY-MM"
)

// Dimensions lists every dimension, in the order of AggregateRow.Keys.
var Dimensions = []Dimension{
	ByPrefecture, ByAgeBand, BySex, ByVisaStatus, ByEducationLevel, ByOccupation, ByDesiredField,
	ByApplicationStatus, ByMonth,
}

// NumDimensions is the number of dimensions.
const NumDimensions = 9

// dimensionSource is where a dimension comes from: a category ("" for
// service data) and the mask that generalises the category to the
// dimension ("" when only the plain value will do).
type dimensionSource struct {
	category Category
	mask     MaskName
}

// dimensionSources is indexed by Dimension.Index.
var dimensionSources = [NumDimensions]dimensionSource{
	{AddressRegion, MaskPrefecture},
	{BirthDate, MaskAgeBand},
	{Sex, ""},
	{Visa, ""},
	{Education, ""},
	{Occupation, ""},
	{Preferences, ""},
	{"", ""},
	{"", ""},
}

// Index returns the dimension's position in Dimensions (and in
// AggregateRow.Keys), or -1 for an unknown dimension.
func (d Dimension) Index() int {
	return slices.Index(Dimensions, d)
}

// ParseDimension returns the dimension named s, or ErrUnknownDimension.
func ParseDimension(s string) (Dimension, error) {
	if i := Dimension(s).Index(); i >= 0 {
		return Dimensions[i], nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownDimension, s)
}

// Values lists the dimensions as strings, in order (for enum fields).
func (Dimension) Values() []string { return stringsOf(Dimensions) }

// Category returns the category the dimension is derived from: "" for
// service data (APPLICATION_STATUS, MONTH) and for an unknown dimension.
func (d Dimension) Category() Category {
	if i := d.Index(); i >= 0 {
		return dimensionSources[i].category
	}
	return ""
}

// Generalisation returns the mask that generalises the dimension's category
// to the dimension (PREFECTURE for PREFECTURE, AGE_BAND for AGE_BAND), or ""
// when only the plain value will do.
func (d Dimension) Generalisation() MaskName {
	if i := d.Index(); i >= 0 {
		return dimensionSources[i].mask
	}
	return ""
}

// AgeBand returns the five-year band of the age someone born on birth has
// at at: "30-34". It compares calendar dates, each in its own location, and
// fails for a birth after at.
func AgeBand(birth, at time.Time) (string, bool) {
	by, bm, bd := birth.Date()
	ay, am, ad := at.Date()
	age := ay - by
	if am < bm || (am == bm && ad < bd) {
		age--
	}
	return AgeBandOf(age)
}

// AgeBandOf returns the five-year band of an age in whole years: "30-34".
// It fails for a negative age.
func AgeBandOf(age int) (string, bool) {
	if age < 0 {
		return "", false
	}
	lo := age / 5 * 5
	return fmt.Sprintf("%d-%d", lo, lo+4), true
}
