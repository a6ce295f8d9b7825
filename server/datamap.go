package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/graph"
)

// The data map: for every personal field of the GraphQL schema, what each
// role sees of it under each purpose it may act under. It is generated from
// the schema's @personal categories and the loaded policy, and every cell is
// the consent engine's own decision, so the map cannot drift from what the
// gateway enforces.
//
//	go run ./server datamap [-json]   Markdown (or JSON) on stdout
//	GET /datamap                      the same map as an HTML page

// DataMap is the data map of one policy over one schema. Columns are in
// role order (consent.Roles, then ANONYMOUS), a role's purposes in the
// policy's order; Fields are sorted by type, then field; each field's Cells
// follow Columns.
type DataMap struct {
	PolicyVersion string             `json:"policyVersion"`
	Purposes      []DataMapPurpose   `json:"purposes"`
	Columns       []DataMapColumn    `json:"columns"`
	Fields        []DataMapField     `json:"fields"`
	Statistics    []DataMapStatistic `json:"statistics"`
}

// DataMapStatistic is what the statistics of one aggregate-only purpose
// (ANALYTICS, ADVERTISING) may group and filter by, and how they are
// protected: no group under MinGroupSize (the release threshold may be
// higher, see consent.AggregateQuery.Threshold), noise calibrated to
// Epsilon per query, at most DailyBudget per viewer in 24 hours.
type DataMapStatistic struct {
	Purpose      consent.Purpose     `json:"purpose"`
	Roles        []consent.Role      `json:"roles"`
	Dimensions   []consent.Dimension `json:"dimensions"`
	MinGroupSize int                 `json:"minGroupSize"`
	Epsilon      float64             `json:"epsilon"`
	Delta        float64             `json:"delta"`
	DailyBudget  float64             `json:"dailyBudget"`
}

// DataMapPurpose is one purpose of policy §4 and its consent default.
type DataMapPurpose struct {
	Purpose consent.Purpose        `json:"purpose"`
	Consent consent.ConsentDefault `json:"consent"`
	Roles   []consent.Role         `json:"roles"` // the roles that may act under it
}

// DataMapColumn is one viewer of the map: a role acting under one purpose,
// or a role that acts under none (APPLICANT's self-access, COMPLIANCE,
// ADMIN, ANONYMOUS), explained by Note.
type DataMapColumn struct {
	Role    consent.Role           `json:"role"`
	Purpose consent.Purpose        `json:"purpose,omitempty"`
	Consent consent.ConsentDefault `json:"consent,omitempty"` // the purpose's consent default
	Note    string                 `json:"note,omitempty"`
}

// Label names the column: "EMPLOYER/EMPLOYER_PROVISION", "APPLICANT (self)",
// "ADMIN".
func (c DataMapColumn) Label() string {
	switch {
	case c.Purpose != "":
		return string(c.Role) + "/" + string(c.Purpose)
	case c.Role == consent.Applicant:
		return string(c.Role) + " (self)"
	}
	return string(c.Role)
}

// DataMapField is one personal field ("Applicant.email") and what each
// column sees of it.
type DataMapField struct {
	Field    string           `json:"field"` // "Type.field"
	Type     string           `json:"type"`
	Name     string           `json:"name"`
	Category consent.Category `json:"category"`
	// ProvidableToEmployers: policy §5(1) lists the category among what may
	// be provided to employers.
	ProvidableToEmployers bool `json:"providableToEmployers"`
	// Bundle: the field holds data of every category at once
	// (@personalBundle, Category empty); a column sees it only if it sees
	// every category plain.
	Bundle bool          `json:"bundle,omitempty"`
	Cells  []DataMapCell `json:"cells"`
}

// categoryText is the field's category, or "every category" for a bundle.
func (f DataMapField) categoryText() string {
	if f.Bundle {
		return "every category"
	}
	return string(f.Category)
}

// CategoryText is categoryText, for the HTML template.
func (f DataMapField) CategoryText() string { return f.categoryText() }

// Cell returns what role sees of the field under purpose ("" for a
// column without one), and whether the map has that column.
func (f DataMapField) Cell(role consent.Role, purpose consent.Purpose) (DataMapCell, bool) {
	for _, c := range f.Cells {
		if c.Role == role && c.Purpose == purpose {
			return c, true
		}
	}
	return DataMapCell{}, false
}

// DataMapCell is the engine's decision for one column and one field, for a
// subject who consented to the column's purpose (and, for
// EMPLOYER_PROVISION, to that employer) and withholds nothing.
//
// A purpose that releases statistics only never releases a field's value:
// its cell is STATISTICS with the dimension the field feeds, when the
// policy lets the purpose group by it, and HIDE otherwise.
type DataMapCell struct {
	Role      consent.Role    `json:"role"`
	Purpose   consent.Purpose `json:"purpose,omitempty"`
	Outcome   string          `json:"outcome"`             // PLAIN, MASK, STATISTICS or HIDE
	Mask      string          `json:"mask,omitempty"`      // with MASK: "EMAIL", "FIRST_N(3)"
	Dimension string          `json:"dimension,omitempty"` // with STATISTICS: "AGE_BAND"
}

// outcomeStatistics is the outcome of a field a purpose uses only as a
// statistic's dimension.
const outcomeStatistics = "STATISTICS"

// String is "PLAIN", "MASK EMAIL", "STATISTICS AGE_BAND" or "HIDE".
func (c DataMapCell) String() string {
	switch {
	case c.Mask != "":
		return c.Outcome + " " + c.Mask
	case c.Dimension != "":
		return c.Outcome + " " + c.Dimension
	}
	return c.Outcome
}

// short is the cell as the Markdown and HTML tables show it: "plain",
// "mask EMAIL", "—".
func (c DataMapCell) short() string {
	switch c.Outcome {
	case consent.Plain.String():
		return "plain"
	case consent.Masked.String():
		return "mask " + c.Mask
	case outcomeStatistics:
		return "stats " + c.Dimension
	}
	return "—"
}

// Field returns the entry of "Type.field", and whether the map has it.
func (m DataMap) Field(name string) (DataMapField, bool) {
	for _, f := range m.Fields {
		if f.Field == name {
			return f, true
		}
	}
	return DataMapField{}, false
}

// Column notes of the roles that act under no purpose.
const (
	noteSelf       = "an applicant's own data, through self-access"
	noteCompliance = "no purpose: personal data only to handle a privacy request or under a recorded legal basis of §5(2)"
	noteAdmin      = "no personal data at all"
	noteAnonymous  = "a request without a token"
	noteNoPurpose  = "acts under no purpose in this policy"
	noteStatistics = "statistics only (applicantStatistics): never a subject's row or value"
)

// dataMapAccount names the viewer, and the employer, the map decides for.
const dataMapAccount = "datamap"

// BuildDataMap computes the data map of policy over the personal fields of
// categories ("Type.field" → category, from graph.Categories). Each cell
// asks the engine, for a viewer of the column's role declaring its purpose,
// about a subject who granted that purpose: what the gateway enforces for
// a consenting subject. (Without the consent an OPT_IN purpose sees
// nothing; a subject may also withhold single categories from an
// employer.)
func BuildDataMap(categories map[string]consent.Category, policy *consent.Policy) DataMap {
	if policy == nil {
		policy = &consent.Policy{}
	}
	engine := consent.NewEngine(policy)
	m := DataMap{PolicyVersion: policy.Version, Purposes: []DataMapPurpose{}, Columns: []DataMapColumn{}, Fields: []DataMapField{}}

	roles := append(slices.Clone(consent.Roles), consent.Anonymous)
	for _, p := range consent.Purposes {
		dp := DataMapPurpose{Purpose: p, Consent: policy.Purposes[p], Roles: []consent.Role{}}
		for _, r := range roles {
			if slices.Contains(policy.RolePurposes[r], p) {
				dp.Roles = append(dp.Roles, r)
			}
		}
		m.Purposes = append(m.Purposes, dp)
	}
	for _, r := range roles {
		switch purposes := policy.RolePurposes[r]; {
		case r == consent.Applicant:
			m.Columns = append(m.Columns, DataMapColumn{Role: r, Note: noteSelf})
		case len(purposes) == 0:
			m.Columns = append(m.Columns, DataMapColumn{Role: r, Note: noPurposeNote(r)})
		default:
			for _, p := range purposes {
				col := DataMapColumn{Role: r, Purpose: p, Consent: policy.Purposes[p]}
				if p.AggregateOnly() {
					col.Note = noteStatistics
				}
				m.Columns = append(m.Columns, col)
			}
		}
	}

	names := make([]string, 0, len(categories))
	for name := range categories {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		ta, fa, _ := strings.Cut(a, ".")
		tb, fb, _ := strings.Cut(b, ".")
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
		return strings.Compare(fa, fb)
	})
	for _, name := range names {
		typ, field, _ := strings.Cut(name, ".")
		c := categories[name]
		f := DataMapField{Field: name, Type: typ, Name: field, Category: c, ProvidableToEmployers: c.ProvidableToEmployers()}
		for _, col := range m.Columns {
			f.Cells = append(f.Cells, dataMapCell(engine, col, name, c))
		}
		m.Fields = append(m.Fields, f)
	}
	for _, p := range consent.Purposes {
		if !p.AggregateOnly() {
			continue
		}
		st := DataMapStatistic{Purpose: p, Roles: m.Purposes[slices.IndexFunc(m.Purposes, func(dp DataMapPurpose) bool { return dp.Purpose == p })].Roles,
			Dimensions: []consent.Dimension{}, MinGroupSize: policy.MinGroupSize, Epsilon: policy.Aggregates.Epsilon,
			Delta: policy.Aggregates.Delta, DailyBudget: policy.Aggregates.DailyBudget}
		for _, d := range consent.Dimensions {
			if engine.Groupable(p, d) {
				st.Dimensions = append(st.Dimensions, d)
			}
		}
		m.Statistics = append(m.Statistics, st)
	}
	return m
}

// dataMapCell is what col sees of the field name of category c: the
// engine's decision, or for a purpose that releases statistics only, the
// dimension the field feeds if the purpose may group by it.
func dataMapCell(engine *consent.Engine, col DataMapColumn, name string, c consent.Category) DataMapCell {
	cell := DataMapCell{Role: col.Role, Purpose: col.Purpose, Outcome: consent.Hidden.String()}
	if col.Purpose.AggregateOnly() {
		for _, d := range consent.Dimensions {
			if field, ok := graph.DimensionField(d); ok && field == name && engine.Groupable(col.Purpose, d) {
				cell.Outcome, cell.Dimension = outcomeStatistics, string(d)
			}
		}
		return cell
	}
	d := engine.Decide(dataMapViewer(col), dataMapSubject(col), c)
	cell.Outcome = d.Outcome.String()
	if d.Outcome == consent.Masked {
		cell.Mask = d.Mask.String()
	}
	return cell
}

func noPurposeNote(r consent.Role) string {
	switch r {
	case consent.Compliance:
		return noteCompliance
	case consent.Admin:
		return noteAdmin
	case consent.Anonymous:
		return noteAnonymous
	}
	return noteNoPurpose
}

// dataMapViewer is the viewer of a column: the role, declaring the
// column's purpose. An anonymous viewer has no identity.
func dataMapViewer(col DataMapColumn) consent.Viewer {
	if col.Role == consent.Anonymous {
		return consent.AnonymousViewer
	}
	return consent.Viewer{Account: dataMapAccount, Role: col.Role, Org: dataMapAccount, Purpose: col.Purpose}
}

// dataMapSubject is the subject of a column: the applicant themself for
// APPLICANT, otherwise someone who granted the column's purpose (to the
// viewer's organisation, for EMPLOYER_PROVISION) and withholds nothing.
func dataMapSubject(col DataMapColumn) consent.Subject {
	if col.Role == consent.Applicant {
		return consent.Subject{Self: true}
	}
	if col.Purpose == "" {
		return consent.Subject{}
	}
	grant := consent.Entry{Seq: 1, Purpose: col.Purpose, Granted: true}
	if col.Purpose == consent.EmployerProvision {
		grant.Recipient = dataMapAccount
	}
	return consent.Subject{Consents: consent.State(grant)}
}

// types returns the map's fields grouped by type, in the map's order.
func (m DataMap) types() []dataMapType {
	var out []dataMapType
	for _, f := range m.Fields {
		if len(out) == 0 || out[len(out)-1].Name != f.Type {
			out = append(out, dataMapType{Name: f.Type})
		}
		out[len(out)-1].Fields = append(out[len(out)-1].Fields, f)
	}
	return out
}

type dataMapType struct {
	Name   string
	Fields []DataMapField
}

// JSON writes the map as indented JSON.
func (m DataMap) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// consentText explains a consent default in a sentence.
func consentText(d consent.ConsentDefault) string {
	switch d {
	case consent.OptIn:
		return "only for subjects who granted it"
	case consent.OptOut:
		return "until the subject withdraws it"
	case consent.Necessary:
		return "needs no consent"
	}
	return "no consent default: never applies"
}

// Markdown writes the map as Markdown: a legend, then one table per type
// with a row per field and a column per role and purpose. Columns are
// padded, so that the text reads as a table too.
func (m DataMap) Markdown(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# consentgate data map\n\n")
	fmt.Fprintf(&b, "Generated from the GraphQL schema's `@personal` categories and consent policy version `%s`; every cell is the consent engine's decision.\n\n", m.PolicyVersion)
	b.WriteString("Cells: `plain` the value as stored; `mask X` the value through mask X; `stats X` never the value, only as dimension X of statistics (counts of at least k, with calibrated noise); `—` hidden (null).\n")
	b.WriteString("A cell shows what the column sees of a subject who consented to the column's purpose (for EMPLOYER_PROVISION: to that employer, by applying to its job) and withholds nothing; without that consent an opt-in purpose sees nothing, and a subject may withhold single categories from an employer. §5(1): the category may be provided to employers.\n\n")
	b.WriteString("## Columns\n\n")
	rows := [][]string{{"column", "consent", "meaning"}}
	for _, c := range m.Columns {
		consentCol, meaning := "—", c.Note
		if c.Purpose != "" {
			consentCol = string(c.Consent)
			meaning = "acting under " + string(c.Purpose) + ": " + consentText(c.Consent)
			if c.Note != "" {
				meaning += "; " + c.Note
			}
		}
		rows = append(rows, []string{c.Label(), consentCol, meaning})
	}
	writeMarkdownTable(&b, rows)
	if len(m.Statistics) > 0 {
		b.WriteString("\n## Statistics\n\n")
		rows := [][]string{{"purpose", "roles", "dimensions (group by, filter on)", "k", "ε per query", "δ", "ε per 24 h"}}
		for _, st := range m.Statistics {
			rows = append(rows, []string{string(st.Purpose), joinStrings(st.Roles), joinStrings(st.Dimensions),
				fmt.Sprint(st.MinGroupSize), fmt.Sprint(st.Epsilon), fmt.Sprint(st.Delta), fmt.Sprint(st.DailyBudget)})
		}
		writeMarkdownTable(&b, rows)
	}
	if unused := m.unusedPurposes(); len(unused) > 0 {
		fmt.Fprintf(&b, "\nNo role acts under %s in this policy.\n", strings.Join(unused, ", "))
	}
	for _, t := range m.types() {
		fmt.Fprintf(&b, "\n## %s\n\n", t.Name)
		header := []string{"field", "category", "§5(1)"}
		for _, c := range m.Columns {
			header = append(header, c.Label())
		}
		rows := [][]string{header}
		for _, f := range t.Fields {
			row := []string{f.Name, f.categoryText(), yesNo(f.ProvidableToEmployers)}
			for _, c := range f.Cells {
				row = append(row, c.short())
			}
			rows = append(rows, row)
		}
		writeMarkdownTable(&b, rows)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// unusedPurposes names the purposes no role of the map acts under.
func (m DataMap) unusedPurposes() []string {
	var out []string
	for _, p := range m.Purposes {
		if len(p.Roles) == 0 {
			out = append(out, fmt.Sprintf("%s (%s)", p.Purpose, p.Consent))
		}
	}
	return out
}

// joinStrings joins names with ", ", or is "—" for none.
func joinStrings[T ~string](xs []T) string {
	if len(xs) == 0 {
		return "—"
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// writeMarkdownTable writes rows (the first is the header) as a Markdown
// table with padded columns.
func writeMarkdownTable(b *bytes.Buffer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(markdownCell(c)), 3)
		}
	}
	line := func(cells []string) {
		b.WriteString("|")
		for i, c := range cells {
			c = markdownCell(c)
			b.WriteString(" " + c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)) + " |")
		}
		b.WriteString("\n")
	}
	line(rows[0])
	sep := make([]string, len(widths))
	for i, n := range widths {
		sep[i] = strings.Repeat("-", n)
	}
	line(sep)
	for _, r := range rows[1:] {
		line(r)
	}
}

// markdownCell keeps a cell on one line and its pipes literal.
func markdownCell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}

var dataMapPage = template.Must(template.New("datamap").Funcs(template.FuncMap{
	"consentText": consentText,
	"yesNo":       yesNo,
	"join": func(xs any) string {
		switch xs := xs.(type) {
		case []consent.Role:
			return joinStrings(xs)
		case []consent.Dimension:
			return joinStrings(xs)
		}
		return ""
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>consentgate data map</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #1d1d1f; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.2em; margin-top: 2em; }
p.lead { color: #555; max-width: 60em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #d0d0d5; padding: .25em .6em; text-align: left; white-space: nowrap; vertical-align: top; }
thead th { background: #f2f2f5; position: sticky; top: 0; }
th.col { font-weight: 600; }
th.col small { display: block; font-weight: normal; color: #666; }
td.note { white-space: normal; max-width: 40em; }
.plain { background: #e3f4e1; }
.mask { background: #fff3cd; }
.statistics { background: #e1ecf7; }
td.hide { color: #999; text-align: center; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.legend span { display: inline-block; padding: 0 .5em; margin-right: .6em; border: 1px solid #d0d0d5; }
.scroll { overflow-x: auto; }
</style>
</head>
<body>
<h1>consentgate data map</h1>
<p class="lead">Generated from the GraphQL schema's <code>@personal</code> categories and consent policy version <code>{{.PolicyVersion}}</code>; every cell is the consent engine's decision.
A cell shows what the column sees of a subject who consented to the column's purpose (for EMPLOYER_PROVISION: to that employer, by applying to its job) and withholds nothing; without that consent an opt-in purpose sees nothing, and a subject may withhold single categories from an employer. §5(1): the category may be provided to employers.</p>
<p class="legend"><span class="plain">plain</span>the value as stored <span class="mask">mask X</span>the value through mask X <span class="statistics">stats X</span>never the value, only as dimension X of statistics <span>—</span>hidden (null)</p>

<h2>Columns</h2>
<table>
<thead><tr><th>column</th><th>consent</th><th>meaning</th></tr></thead>
<tbody>
{{- range .Columns}}
<tr><th class="col">{{.Label}}</th>{{if .Purpose}}<td><code>{{.Consent}}</code></td><td class="note">acting under {{.Purpose}}: {{consentText .Consent}}{{with .Note}}; {{.}}{{end}}</td>{{else}}<td>—</td><td class="note">{{.Note}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- with .Statistics}}
<h2>Statistics</h2>
<table>
<thead><tr><th>purpose</th><th>roles</th><th>dimensions (group by, filter on)</th><th>k</th><th>ε per query</th><th>δ</th><th>ε per 24 h</th></tr></thead>
<tbody>
{{- range .}}
<tr><th>{{.Purpose}}</th><td>{{join .Roles}}</td><td class="note">{{join .Dimensions}}</td><td>{{.MinGroupSize}}</td><td>{{.Epsilon}}</td><td>{{.Delta}}</td><td>{{.DailyBudget}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- with .Unused}}
<p>No role acts under {{range $i, $p := .}}{{if $i}}, {{end}}{{$p}}{{end}} in this policy.</p>
{{- end}}
{{range .Types}}
<h2 id="{{.Name}}">{{.Name}}</h2>
<div class="scroll">
<table>
<thead><tr><th>field</th><th>category</th><th>§5(1)</th>
{{- range $.Columns}}<th class="col">{{.Role}}<small>{{if .Purpose}}{{.Purpose}}{{else if eq .Role "APPLICANT"}}self{{else}}no purpose{{end}}</small></th>{{end}}</tr></thead>
<tbody>
{{- range .Fields}}
<tr><th id="{{.Field}}" title="{{.Field}}">{{.Field}}</th><td><code>{{.CategoryText}}</code></td><td>{{yesNo .ProvidableToEmployers}}</td>
{{- range .Cells}}<td class="{{.Class}}">{{.Short}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
</body>
</html>
`))

// htmlCell is a cell as the HTML template shows it.
type htmlCell struct{ Class, Short string }

type htmlField struct {
	DataMapField
	Cells []htmlCell
}

type htmlType struct {
	Name   string
	Fields []htmlField
}

// HTML writes the map as a self-contained HTML page (inline CSS, no
// external assets, everything escaped by html/template).
func (m DataMap) HTML(w io.Writer) error {
	data := struct {
		PolicyVersion string
		Columns       []DataMapColumn
		Unused        []string
		Statistics    []DataMapStatistic
		Types         []htmlType
	}{PolicyVersion: m.PolicyVersion, Columns: m.Columns, Unused: m.unusedPurposes(), Statistics: m.Statistics}
	for _, t := range m.types() {
		ht := htmlType{Name: t.Name}
		for _, f := range t.Fields {
			hf := htmlField{DataMapField: f}
			for _, c := range f.Cells {
				hf.Cells = append(hf.Cells, htmlCell{Class: strings.ToLower(c.Outcome), Short: c.short()})
			}
			ht.Fields = append(ht.Fields, hf)
		}
		data.Types = append(data.Types, ht)
	}
	var b bytes.Buffer
	if err := dataMapPage.Execute(&b, data); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// schemaCategories returns the categories of the gateway's GraphQL schema
// (the schema does not depend on the client).
func schemaCategories() map[string]consent.Category {
	return graph.Categories(graph.NewSchema(&ent.Client{}).Schema())
}

// BuildSchemaDataMap is the data map of policy over the gateway's own
// schema: its @personal fields, then its @personalBundle fields.
func BuildSchemaDataMap(policy *consent.Policy) DataMap {
	m := BuildDataMap(schemaCategories(), policy)
	m.addBundles(graph.Bundles(graph.NewSchema(&ent.Client{}).Schema()), policy)
	return m
}

// addBundles adds a row per bundle field ("Type.field"): a column sees
// such a field, plain, only if it sees every category plain, as the field
// guard decides it.
func (m *DataMap) addBundles(bundles []string, policy *consent.Policy) {
	engine := consent.NewEngine(policy)
	for _, name := range bundles {
		typ, field, _ := strings.Cut(name, ".")
		f := DataMapField{Field: name, Type: typ, Name: field, Bundle: true}
		for _, col := range m.Columns {
			cell := DataMapCell{Role: col.Role, Purpose: col.Purpose, Outcome: consent.Plain.String()}
			for _, c := range consent.Categories {
				if col.Purpose.AggregateOnly() || engine.Decide(dataMapViewer(col), dataMapSubject(col), c).Outcome != consent.Plain {
					cell.Outcome = consent.Hidden.String()
					break
				}
			}
			f.Cells = append(f.Cells, cell)
		}
		m.Fields = append(m.Fields, f)
	}
	slices.SortStableFunc(m.Fields, func(a, b DataMapField) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Name, b.Name))
	})
}

// dataMapHandler serves the data map of policy as an HTML page. The page
// is rendered once, when the handler is built.
func dataMapHandler(policy *consent.Policy) http.Handler {
	var page bytes.Buffer
	err := BuildSchemaDataMap(policy).HTML(&page)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if err != nil {
			http.Error(w, "data map unavailable", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(page.Bytes())
	})
}

// datamapCommand prints the data map of the policy the gateway would load
// (CONSENTGATE_POLICY, or the embedded default) as Markdown, or as JSON
// with -json.
func datamapCommand(args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("datamap", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON instead of Markdown")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("datamap: unexpected argument %q", fs.Arg(0))
	}
	policy := consent.DefaultPolicy()
	if path := getenv("CONSENTGATE_POLICY"); path != "" {
		p, err := consent.LoadPolicyFile(path)
		if err != nil {
			return fmt.Errorf("CONSENTGATE_POLICY: %w", err)
		}
		policy = p
	}
	m := BuildSchemaDataMap(policy)
	if *asJSON {
		return m.JSON(stdout)
	}
	return m.Markdown(stdout)
}
