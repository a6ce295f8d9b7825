package datamap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/graph"
)

// personalFieldsOf walks a schema for every field carrying @personal and
// returns "Type.field" → the category its directive names. It reads the
// AST itself, not through graph.Categories, so that a fault there shows.
func personalFieldsOf(t *testing.T, s *ast.Schema) map[string]consent.Category {
	t.Helper()
	out := map[string]consent.Category{}
	for _, typ := range s.Types {
		for _, f := range typ.Fields {
			d := f.Directives.ForName("personal")
			if d == nil {
				continue
			}
			a := d.Arguments.ForName("category")
			if a == nil || a.Value == nil {
				t.Errorf("%s.%s: @personal without a category", typ.Name, f.Name)
				continue
			}
			out[typ.Name+"."+f.Name] = consent.Category(a.Value.Raw)
		}
	}
	return out
}

// TestDataMapMatchesSchema fails when the schema and the data map
// disagree: every @personal field of the schema is in the map with the
// category the schema gives it, and the map has no other field. The
// schema is read both as the gateway serves it and from the SDL files
// (schema/*.graphqls), so generated code that lags the SDL shows too.
func TestDataMapMatchesSchema(t *testing.T) {
	served := personalFieldsOf(t, graph.NewSchema(&ent.Client{}).Schema())
	if len(served) == 0 {
		t.Fatal("the served schema has no @personal field")
	}

	files, err := filepath.Glob(filepath.Join("..", "schema", "*.graphqls"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no SDL files under ../schema: %v", err)
	}
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	sdl, gerr := gqlparser.LoadSchema(sources...)
	if gerr != nil {
		t.Fatalf("parsing the SDL: %v", gerr)
	}
	if fromSDL := personalFieldsOf(t, sdl); !maps.Equal(fromSDL, served) {
		t.Errorf("the SDL files and the served schema disagree on @personal fields (run go generate):\nSDL:    %v\nserved: %v", fromSDL, served)
	}

	m := BuildSchema(consent.DefaultPolicy())
	inMap := map[string]Field{}
	perValue := map[string][]consent.Category{} // the rows of each field whose category depends on the value
	for _, f := range m.Fields {
		if f.PerValue != "" {
			perValue[f.Field] = append(perValue[f.Field], f.Category)
			continue
		}
		if _, dup := inMap[f.Field]; dup {
			t.Errorf("%s is in the map twice", f.Field)
		}
		inMap[f.Field] = f
	}
	for _, pv := range graph.PerValueFields(graph.NewSchema(&ent.Client{}).Schema()) {
		if !slices.Equal(perValue[pv.Field], pv.Categories) || len(pv.Categories) < 2 || pv.Rule == "" {
			t.Errorf("%s (@personalPerValue(categories: %v)) has rows %v in the data map", pv.Field, pv.Categories, perValue[pv.Field])
		}
		delete(perValue, pv.Field)
	}
	for name := range perValue {
		t.Errorf("the data map has %s per value, the schema does not", name)
	}
	for name, c := range served {
		f, ok := inMap[name]
		switch {
		case !ok:
			t.Errorf("%s (@personal(category: %s)) is missing from the data map", name, c)
		case f.Category != c:
			t.Errorf("%s: map says %s, schema says %s", name, f.Category, c)
		}
		if _, err := consent.ParseCategory(string(c)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bundles := graph.Bundles(graph.NewSchema(&ent.Client{}).Schema())
	timestamps := graph.Timestamps(graph.NewSchema(&ent.Client{}).Schema())
	for name, f := range inMap {
		if _, ok := served[name]; !ok && !(f.Bundle && slices.Contains(bundles, name)) && !(f.Timestamp && slices.Contains(timestamps, name)) {
			t.Errorf("the data map has %s, the schema has no such personal field", name)
		}
	}
	for _, name := range timestamps {
		f, ok := inMap[name]
		if !ok || !f.Timestamp || f.Category != "" {
			t.Errorf("the @personalTimestamp field %s is not in the map as a timestamp", name)
			continue
		}
		for _, c := range f.Cells {
			if (c.Role == consent.Applicant) != (c.Outcome == "PLAIN") {
				t.Errorf("%s: %s/%s = %s", name, c.Role, c.Purpose, c)
			}
		}
	}
	for _, name := range bundles {
		if f, ok := inMap[name]; !ok || !f.Bundle || f.Category != "" {
			t.Errorf("the @personalBundle field %s is not in the map as a bundle", name)
		}
	}
	for _, f := range m.Fields {
		if f.Type+"."+f.Name != f.Field {
			t.Errorf("%s: type %q, name %q", f.Field, f.Type, f.Name)
		}
		if !f.Bundle && f.ProvidableToEmployers != f.Category.ProvidableToEmployers() {
			t.Errorf("%s: providableToEmployers = %v", f.Field, f.ProvidableToEmployers)
		}
		if len(f.Cells) != len(m.Columns) {
			t.Fatalf("%s: %d cells for %d columns", f.Field, len(f.Cells), len(m.Columns))
		}
		for i, c := range f.Cells {
			if c.Role != m.Columns[i].Role || c.Purpose != m.Columns[i].Purpose {
				t.Errorf("%s: cell %d is %s/%s, column is %s", f.Field, i, c.Role, c.Purpose, m.Columns[i].Label())
			}
		}
	}
	sorted := slices.IsSortedFunc(m.Fields, func(a, b Field) int {
		if c := strings.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	if !sorted {
		t.Error("fields are not sorted by type, then field")
	}
}

// TestDataMapDefaults checks the map of the default policy against
// DESIGN.md's starting defaults.
func TestDataMapDefaults(t *testing.T) {
	m := BuildSchema(consent.DefaultPolicy())
	if m.PolicyVersion != "2026-01" {
		t.Errorf("policyVersion = %q", m.PolicyVersion)
	}

	var labels []string
	for _, c := range m.Columns {
		labels = append(labels, c.Label())
	}
	wantLabels := []string{
		"APPLICANT (self)", "EMPLOYER/EMPLOYER_PROVISION", "EMPLOYER/EMPLOYER_PROVISION after hire", "SUPPORT/INQUIRY", "SUPPORT/SERVICE",
		"MARKETING/MAIL_MAGAZINE", "MARKETING/ADVERTISING", "ANALYST/ANALYTICS", "COMPLIANCE", "ADMIN", "ANONYMOUS",
	}
	if !slices.Equal(labels, wantLabels) {
		t.Errorf("columns = %q, want %q", labels, wantLabels)
	}
	wantConsent := map[consent.Purpose]consent.ConsentDefault{
		consent.EmployerProvision: consent.OptIn, consent.Service: consent.Necessary, consent.MailMagazine: consent.OptIn,
		consent.Feedback: consent.OptIn, consent.Advertising: consent.OptOut, consent.Inquiry: consent.Necessary,
		consent.Analytics: consent.OptIn,
	}
	for _, c := range m.Columns {
		if c.Purpose != "" && c.Consent != wantConsent[c.Purpose] {
			t.Errorf("column %s: consent %s, want %s", c.Label(), c.Consent, wantConsent[c.Purpose])
		}
	}
	for _, p := range m.Purposes {
		if p.Consent != wantConsent[p.Purpose] {
			t.Errorf("purpose %s: consent %s, want %s", p.Purpose, p.Consent, wantConsent[p.Purpose])
		}
	}

	cells := []struct {
		field   string
		role    consent.Role
		purpose consent.Purpose
		want    string
	}{
		{"Applicant.email", consent.Employer, consent.EmployerProvision, "PLAIN"},
		{"Applicant.email", consent.Support, consent.Inquiry, "MASK EMAIL"},
		{"Applicant.email", consent.Support, consent.Service, "MASK EMAIL"},
		{"Applicant.email", consent.Marketing, consent.MailMagazine, "PLAIN"},
		{"Applicant.email", consent.Marketing, consent.Advertising, "HIDE"},
		{"Applicant.email", consent.Analyst, consent.Analytics, "HIDE"},
		{"Applicant.name", consent.Support, consent.Inquiry, "PLAIN"},
		{"Applicant.name", consent.Analyst, consent.Analytics, "HIDE"},
		{"Applicant.street", consent.Employer, consent.EmployerProvision, "HIDE"},
		{"Applicant.postalCode", consent.Employer, consent.EmployerProvision, "HIDE"},
		{"Applicant.workplaceName", consent.Employer, consent.EmployerProvision, "HIDE"},
		{"Applicant.lastIP", consent.Employer, consent.EmployerProvision, "HIDE"},
		{"Applicant.birthDate", consent.Marketing, consent.Advertising, "STATISTICS AGE_BAND"},
		{"Applicant.birthDate", consent.Analyst, consent.Analytics, "STATISTICS AGE_BAND"},
		{"Applicant.prefecture", consent.Marketing, consent.Advertising, "STATISTICS PREFECTURE"},
		{"Applicant.city", consent.Marketing, consent.Advertising, "HIDE"},
		{"Applicant.sex", consent.Marketing, consent.Advertising, "STATISTICS SEX"},
		{"Applicant.visaStatus", consent.Analyst, consent.Analytics, "STATISTICS VISA_STATUS"},
		{"Applicant.visaStatus", consent.Marketing, consent.Advertising, "HIDE"},
		{"Applicant.educationLevel", consent.Analyst, consent.Analytics, "STATISTICS EDUCATION_LEVEL"},
		{"Applicant.visaExpiresOn", consent.Analyst, consent.Analytics, "HIDE"},
		{"Applicant.visaExpired", consent.Employer, consent.EmployerProvision, "PLAIN"}, // computed, decided as VISA
		{"Applicant.visaExpired", consent.Analyst, consent.Analytics, "HIDE"},
		{"Applicant.visaExpired", consent.Marketing, consent.MailMagazine, "HIDE"},
		{"Applicant.phone", consent.Support, consent.Inquiry, "MASK LAST4"},
		{"Applicant.phone", consent.Employer, consent.EmployerProvision, "PLAIN"},
		{"Applicant.phone", consent.Marketing, consent.MailMagazine, "HIDE"},
		{"Applicant.dependents", consent.Employer, consent.EmployerProvision, "PLAIN"},
		{"Application.reason", consent.Employer, consent.EmployerProvision, "PLAIN"},
		{"WorkHistoryEntry.company", consent.Employer, consent.EmployerProvision, "PLAIN"},
		{"WorkHistoryEntry.from", consent.Employer, consent.EmployerProvision, "PLAIN"},
	}
	for _, c := range cells {
		f, ok := m.Field(c.field)
		if !ok {
			t.Errorf("%s is not in the map", c.field)
			continue
		}
		cell, ok := f.Cell(c.role, c.purpose)
		if !ok {
			t.Errorf("%s: no column %s/%s", c.field, c.role, c.purpose)
			continue
		}
		if got := cell.String(); got != c.want {
			t.Errorf("%s, %s/%s = %s, want %s", c.field, c.role, c.purpose, got, c.want)
		}
	}
	// A computed field is a row of its category like a stored one.
	if f, ok := m.Field("Applicant.visaExpired"); !ok || f.Category != consent.Visa {
		t.Errorf("Applicant.visaExpired: category %q (in the map: %v), want VISA", f.Category, ok)
	}

	// The fixed columns: self-access sees everything plain; compliance,
	// admin and anonymous see nothing.
	for _, f := range m.Fields {
		if c, _ := f.Cell(consent.Applicant, ""); c.String() != "PLAIN" {
			t.Errorf("%s: APPLICANT (self) = %s", f.Field, c)
		}
		for _, r := range []consent.Role{consent.Compliance, consent.Admin, consent.Anonymous} {
			if c, ok := f.Cell(r, ""); !ok || c.String() != "HIDE" {
				t.Errorf("%s: %s = %s (column found: %v)", f.Field, r, c, ok)
			}
		}
		if c, _ := f.Cell(consent.Employer, consent.EmployerProvision); c.Outcome != "HIDE" && !f.ProvidableToEmployers {
			t.Errorf("%s: outside §5(1) but EMPLOYER_PROVISION = %s", f.Field, c)
		}
		// A bundle (data of every category) goes to the subject alone.
		if f.Bundle {
			for _, c := range f.Cells {
				if (c.Role == consent.Applicant) != (c.Outcome == "PLAIN") {
					t.Errorf("%s: %s/%s = %s", f.Field, c.Role, c.Purpose, c)
				}
			}
		}
		// Statistics-only purposes never release a value.
		for _, col := range [][2]any{{consent.Analyst, consent.Analytics}, {consent.Marketing, consent.Advertising}} {
			if c, _ := f.Cell(col[0].(consent.Role), col[1].(consent.Purpose)); c.Outcome != "STATISTICS" && c.Outcome != "HIDE" {
				t.Errorf("%s: %v = %s", f.Field, col, c)
			}
		}
	}

	// What analysts and advertisers may group statistics by (DESIGN.md:
	// advertising's attributes, plus visa, education and occupation for
	// analytics; service data for both), at k = 10.
	want := map[consent.Purpose]string{
		consent.Analytics:   "[PREFECTURE AGE_BAND SEX VISA_STATUS EDUCATION_LEVEL OCCUPATION DESIRED_FIELD APPLICATION_STATUS MONTH]",
		consent.Advertising: "[PREFECTURE AGE_BAND SEX DESIRED_FIELD APPLICATION_STATUS MONTH]",
	}
	if len(m.Statistics) != len(want) {
		t.Fatalf("statistics of %d purposes, want %d", len(m.Statistics), len(want))
	}
	for _, st := range m.Statistics {
		if got := fmt.Sprint(st.Dimensions); got != want[st.Purpose] || st.MinGroupSize != 10 {
			t.Errorf("%s: dimensions %s, k %d; want %s, 10", st.Purpose, got, st.MinGroupSize, want[st.Purpose])
		}
	}
}

// TestDataMapFollowsPolicy builds the map of a changed policy: a new
// column for a purpose given to a role, a parameterised mask rendered with
// its parameter, a role without purposes.
func TestDataMapFollowsPolicy(t *testing.T) {
	p := consent.DefaultPolicy()
	p.Version = "test-1"
	p.RolePurposes[consent.Support] = []consent.Purpose{consent.Inquiry, consent.Service, consent.Feedback}
	p.Rules[consent.Inquiry][consent.Name] = consent.Rule{Outcome: consent.Masked, Mask: consent.Mask{Name: consent.MaskFirstN, N: 3}}
	delete(p.RolePurposes, consent.Marketing)
	m := BuildSchema(p)
	if m.PolicyVersion != "test-1" {
		t.Errorf("policyVersion = %q", m.PolicyVersion)
	}
	f, _ := m.Field("Applicant.name")
	for _, c := range []struct {
		role    consent.Role
		purpose consent.Purpose
		want    string
	}{
		{consent.Support, consent.Inquiry, "MASK FIRST_N(3)"},
		{consent.Support, consent.Feedback, "PLAIN"},
		{consent.Marketing, "", "HIDE"},
	} {
		cell, ok := f.Cell(c.role, c.purpose)
		if !ok || cell.String() != c.want {
			t.Errorf("Applicant.name, %s/%s = %s (column found: %v), want %s", c.role, c.purpose, cell, ok, c.want)
		}
	}
	if _, ok := f.Cell(consent.Marketing, consent.MailMagazine); ok {
		t.Error("MARKETING/MAIL_MAGAZINE is still a column after MARKETING lost its purposes")
	}
}

// TestDataMapMarkdown checks the Markdown: per type a header row, a
// separator and one row per field, each with a cell per column.
func TestDataMapMarkdown(t *testing.T) {
	m := BuildSchema(consent.DefaultPolicy())
	var b bytes.Buffer
	if err := m.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if !strings.Contains(md, "`2026-01`") {
		t.Error("the Markdown does not name the policy version")
	}
	cells := func(line string) []string {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
			return nil
		}
		parts := strings.Split(line[1:len(line)-1], " | ")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts
	}
	wantHeader := []string{"field", "category", "§5(1)"}
	for _, c := range m.Columns {
		wantHeader = append(wantHeader, c.Label())
	}
	for _, typ := range m.types() {
		_, section, ok := strings.Cut(md, "\n## "+typ.Name+"\n")
		if !ok {
			t.Errorf("no section for %s", typ.Name)
			continue
		}
		section, _, _ = strings.Cut(section, "\n## ")
		lines := strings.Split(strings.TrimSpace(section), "\n")
		if len(lines) != 2+len(typ.Fields) {
			t.Errorf("%s: %d table lines, want a header, a separator and %d rows", typ.Name, len(lines), len(typ.Fields))
			continue
		}
		if got := cells(lines[0]); !slices.Equal(got, wantHeader) {
			t.Errorf("%s: header %q, want %q", typ.Name, got, wantHeader)
		}
		for i, f := range typ.Fields {
			row := cells(lines[2+i])
			want := []string{f.Name, f.categoryText(), yesNo(f.ProvidableToEmployers)}
			for _, c := range f.Cells {
				want = append(want, c.short())
			}
			if !slices.Equal(row, want) {
				t.Errorf("%s row %d: %q, want %q", typ.Name, i, row, want)
			}
		}
	}
	f, _ := m.Field("Applicant.email")
	if c, _ := f.Cell(consent.Support, consent.Inquiry); c.short() != "mask EMAIL" {
		t.Errorf("Applicant.email SUPPORT/INQUIRY renders as %q", c.short())
	}
}

// TestDataMapJSON round-trips the JSON.
func TestDataMapJSON(t *testing.T) {
	m := BuildSchema(consent.DefaultPolicy())
	var b bytes.Buffer
	if err := m.JSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Map
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Error("the JSON does not round-trip into the same Map")
	}
	var again bytes.Buffer
	if err := BuildSchema(consent.DefaultPolicy()).JSON(&again); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	_ = m.JSON(&first)
	if first.String() != again.String() {
		t.Error("two builds of the same map give different JSON")
	}
}

// TestDataMapHTMLEscapes renders names that are markup.
func TestDataMapHTMLEscapes(t *testing.T) {
	p := consent.DefaultPolicy()
	p.Version = `<script>alert("v")</script>`
	m := Build(map[string]consent.Category{"Applicant.<b>x</b>": consent.Email, "Applicant.email": consent.Email}, p)
	var b bytes.Buffer
	if err := m.HTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "<script>") || strings.Contains(page, "<b>x") {
		t.Error("markup in the map reached the page unescaped")
	}
	if !strings.Contains(page, "&lt;b&gt;x&lt;/b&gt;") || !strings.Contains(page, "&lt;script&gt;") {
		t.Error("escaped names are missing from the page")
	}
	if !strings.Contains(page, ">Applicant.email<") {
		t.Error("Applicant.email is missing from the page")
	}
}

// TestDataMapEndOfProvision: the map says when provision to an employer
// ends per final state, and what a hire past its grace period keeps, in a
// column of its own whose cells are the engine's decisions for that stage.
func TestDataMapEndOfProvision(t *testing.T) {
	m := BuildSchema(consent.DefaultPolicy())
	kept := []consent.Category{consent.Name, consent.BirthDate, consent.Sex, consent.Phone, consent.Email, consent.Visa,
		consent.Qualifications, consent.EmergencyContact}
	want := []EndOfProvision{
		{State: consent.Withdrawn, GraceDays: 0, Keeps: []consent.Category{}},
		{State: consent.Rejected, GraceDays: 30, Keeps: []consent.Category{}},
		{State: consent.Hired, GraceDays: 30, Keeps: kept},
		{State: consent.JobClosed, GraceDays: 30, Keeps: []consent.Category{}},
	}
	if !reflect.DeepEqual(m.EndOfProvision, want) {
		t.Errorf("EndOfProvision = %+v, want %+v", m.EndOfProvision, want)
	}
	col := slices.IndexFunc(m.Columns, func(c Column) bool { return c.AfterHire })
	if col < 0 || m.Columns[col].Role != consent.Employer || m.Columns[col].Purpose != consent.EmployerProvision {
		t.Fatalf("no after-hire employer column: %+v", m.Columns)
	}
	for _, f := range m.Fields {
		got := f.Cells[col].Outcome
		open, _ := f.Cell(consent.Employer, consent.EmployerProvision)
		want := "HIDE"
		if !f.Bundle && slices.Contains(kept, f.Category) {
			want = open.Outcome // what is kept is released as while open
		}
		if got != want {
			t.Errorf("%s (%s) after hire = %s, want %s", f.Field, f.categoryText(), got, want)
		}
	}
	for _, c := range []struct{ field, want string }{
		{"Applicant.visaStatus", "PLAIN"}, {"Applicant.phone", "PLAIN"}, {"Applicant.dependents", "HIDE"},
		{"Application.reason", "HIDE"}, {"Applicant.street", "HIDE"},
	} {
		if f, _ := m.Field(c.field); f.Cells[col].Outcome != c.want {
			t.Errorf("%s after hire = %s, want %s", c.field, f.Cells[col].Outcome, c.want)
		}
	}
	var b bytes.Buffer
	if err := m.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"| WITHDRAWN   | none (at once) | nothing",
		"| REJECTED    | 30 days        | nothing",
		"| HIRED       | 30 days        | NAME, BIRTH_DATE, SEX, PHONE, EMAIL, VISA, QUALIFICATIONS, EMERGENCY_CONTACT (for employment) |",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("the Markdown lacks %q:\n%s", line, b.String())
		}
	}
	b.Reset()
	if err := m.HTML(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<tr><th>REJECTED</th><td>30 days</td><td class=\"note\">nothing</td></tr>") {
		t.Error("the page lacks the end of provision")
	}

	// A policy whose hires keep nothing has no after-hire column.
	p := consent.DefaultPolicy()
	p.EndOfProvision[consent.Hired] = consent.EndOfProvision{}
	if slices.ContainsFunc(BuildSchema(p).Columns, func(c Column) bool { return c.AfterHire }) {
		t.Error("an after-hire column for a policy whose hires keep nothing")
	}
}

// TestDataMapPerValue: a field whose category depends on the value has a
// row per category, each decided as that category: a current job's
// company is hidden from employers as their workplace, a past job's is
// shown as work history; the applicant sees both.
func TestDataMapPerValue(t *testing.T) {
	m := BuildSchema(consent.DefaultPolicy())
	for _, c := range []struct {
		category consent.Category
		employer string
	}{{consent.WorkHistory, "PLAIN"}, {consent.Workplace, "HIDE"}} {
		f, ok := m.FieldAs("WorkHistoryEntry.company", c.category)
		if !ok || !strings.Contains(f.PerValue, "WORKPLACE while the job is current") {
			t.Fatalf("WorkHistoryEntry.company has no %s row: %+v", c.category, f)
		}
		if cell, _ := f.Cell(consent.Employer, consent.EmployerProvision); cell.Outcome != c.employer {
			t.Errorf("WorkHistoryEntry.company as %s: employer %s, want %s", c.category, cell.Outcome, c.employer)
		}
		if cell, _ := f.Cell(consent.Applicant, ""); cell.Outcome != "PLAIN" {
			t.Errorf("WorkHistoryEntry.company as %s: applicant %s", c.category, cell.Outcome)
		}
	}
	// An answer is released as its question's category: a row for each
	// category a question may be approved with, and none for the others.
	for _, c := range consent.Categories {
		f, ok := m.FieldAs("Answer.text", c)
		if ok != c.ProvidableToEmployers() {
			t.Errorf("Answer.text as %s: in the map %v", c, ok)
			continue
		}
		if !ok {
			continue
		}
		want, _ := m.Field("Applicant.name")
		for _, other := range m.Fields {
			if other.Category == c && other.PerValue == "" && !other.Bundle && !other.Timestamp {
				want = other
				break
			}
		}
		for i, cell := range f.Cells {
			if m.Columns[i].Purpose.AggregateOnly() { // statistics use named fields, never an answer
				continue
			}
			if cell.String() != want.Cells[i].String() && want.Category == c {
				t.Errorf("Answer.text as %s, %s: %s; %s has %s", c, m.Columns[i].Label(), cell, want.Field, want.Cells[i])
			}
		}
	}
	var b bytes.Buffer
	if err := m.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| company          | WORKPLACE (per value: WORKPLACE while the job is current (no end date), WORK_HISTORY once it has ended)    | no    | plain            | —  ") {
		t.Errorf("the Markdown lacks the company's WORKPLACE row:\n%s", b.String())
	}
}

// TestDataMapRetention: the map shows each kind of data's retention, with
// the categories it holds, in Markdown, JSON and HTML, and follows the
// policy.
func TestDataMapRetention(t *testing.T) {
	m := BuildSchema(consent.DefaultPolicy())
	if len(m.Retention) != len(consent.RetentionKinds) {
		t.Fatalf("Retention = %+v", m.Retention)
	}
	accounts, apps := m.Retention[0], m.Retention[1]
	if accounts.Kind != consent.InactiveAccounts || accounts.Period != "3y" || accounts.Action != consent.Erase ||
		len(accounts.Categories) != consent.NumCategories-1 || slices.Contains(accounts.Categories, consent.ApplicationAnswers) {
		t.Errorf("accounts: %+v", accounts)
	}
	if apps.Kind != consent.ClosedApplications || apps.Period != "6mo" || !reflect.DeepEqual(apps.Categories, []consent.Category{consent.ApplicationAnswers}) {
		t.Errorf("applications: %+v", apps)
	}
	// Every category is kept under some rule.
	for _, c := range consent.Categories {
		if !slices.ContainsFunc(m.Retention, func(r Retention) bool { return slices.Contains(r.Categories, c) }) {
			t.Errorf("%s has no retention", c)
		}
	}
	var b bytes.Buffer
	if err := m.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"## Retention",
		"| INACTIVE_ACCOUNTS   | every category but APPLICATION_ANSWERS | 3y ",
		"| CONSENT_LEDGER      | none (ids, names and counts)           | while the account lives | ANONYMISE ",
		"| ACCESS_RECORDS      | none (ids, names and counts)           | 3y                      | ERASE      | APPI Art. 29(2) and 30(4)",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("the Markdown lacks %q:\n%s", line, b.String())
		}
	}
	b.Reset()
	if err := m.JSON(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\"kind\": \"CLOSED_APPLICATIONS\",\n      \"categories\": [\n        \"APPLICATION_ANSWERS\"\n      ],\n      \"period\": \"6mo\",\n      \"action\": \"ERASE\"") {
		t.Errorf("the JSON lacks the applications' retention: %s", b.String())
	}
	b.Reset()
	if err := m.HTML(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<tr><th>BUDGET_SPENDS</th><td class=\"note\">none (ids, names and counts)</td><td>30d</td><td>ERASE</td>") {
		t.Error("the page lacks the retention")
	}

	p := consent.DefaultPolicy()
	p.Retention[consent.InactiveAccounts] = consent.RetentionRule{Kind: consent.InactiveAccounts, Period: consent.Period{Years: 5},
		Action: consent.KeepLegalBasis, Reason: "hold"}
	if r := BuildSchema(p).Retention[0]; r.Period != "5y" || r.Action != consent.KeepLegalBasis || r.Reason != "hold" {
		t.Errorf("the map does not follow the policy: %+v", r)
	}
}
