package datamap

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"unicode/utf8"

	"consentgate/consent"
)

// JSON writes the map as indented JSON.
func (m Map) JSON(w io.Writer) error {
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
func (m Map) Markdown(w io.Writer) error {
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
	if len(m.Surfaces) > 0 {
		b.WriteString("\n## Surfaces\n\n")
		b.WriteString(surfacesLead + "\n\n")
		rows := [][]string{{"path", "surface", "for", "reaches personal data through"}}
		for _, s := range m.Surfaces {
			rows = append(rows, []string{s.Path, s.Name, s.For, s.usesText()})
		}
		writeMarkdownTable(&b, rows)
	}
	if len(m.Statistics) > 0 {
		b.WriteString("\n## Statistics\n\n")
		rows := [][]string{{"purpose", "roles", "dimensions (group by, filter on)", "k", "ε per query", "δ", "ε per 24 h"}}
		for _, st := range m.Statistics {
			rows = append(rows, []string{string(st.Purpose), joinStrings(st.Roles), joinStrings(st.Dimensions),
				fmt.Sprint(st.MinGroupSize), fmt.Sprint(st.Epsilon), fmt.Sprint(st.Delta), fmt.Sprint(st.DailyBudget)})
		}
		writeMarkdownTable(&b, rows)
	}
	if len(m.EndOfProvision) > 0 {
		b.WriteString("\n## End of provision\n\n")
		b.WriteString("Provision to an employer ends when the application reaches a final state (or its job closes), after the grace period; then the employer reaches neither the applicant nor the application through it, by any path.\n\n")
		rows := [][]string{{"final state", "grace period", "after it, the employer keeps"}}
		for _, e := range m.EndOfProvision {
			rows = append(rows, []string{string(e.State), graceText(e.GraceDays), keepsText(e.Keeps)})
		}
		writeMarkdownTable(&b, rows)
	}
	if len(m.Retention) > 0 {
		b.WriteString("\n## Retention\n\n")
		b.WriteString(retentionLead + "\n\n")
		rows := [][]string{{"kind of data", "categories", "period", "at its end", "legal reason"}}
		for _, r := range m.Retention {
			rows = append(rows, []string{string(r.Kind), categoriesText(r.Categories), periodText(r.Period), string(r.Action), r.Reason})
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

// surfacesLead introduces the surfaces.
const surfacesLead = "Where the gateway shows or changes personal data. Every page reaches it only through the public GraphQL API, under the same rules as any client: the cells below hold for every surface."

// retentionLead introduces the retention table.
const retentionLead = "How long each kind of data is kept and what happens at the end of that time: the retention sweeper erases (or anonymises) it in small transactions and records each action. A period of `3y`, `6mo`, `30d` counts from the account's last activity (INACTIVE_ACCOUNTS), an application's final state (CLOSED_APPLICATIONS), or the row's time; `account` is as long as the account lives. Records of provision are kept at least three years."

// categoriesText names the categories a kind of data holds.
func categoriesText(cs []consent.Category) string {
	if len(cs) == 0 {
		return "none (ids, names and counts)"
	}
	if len(cs) == len(consent.Categories)-1 {
		return "every category but APPLICATION_ANSWERS"
	}
	return joinStrings(cs)
}

// periodText is a period for people: "account" is spelled out.
func periodText(p string) string {
	if p == "account" {
		return "while the account lives"
	}
	return p
}

// graceText is a grace period in days: "none (at once)", "1 day", "30 days".
func graceText(days int) string {
	switch days {
	case 0:
		return "none (at once)"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

// keepsText is what an employer keeps after the end of provision.
func keepsText(keeps []consent.Category) string {
	if len(keeps) == 0 {
		return "nothing"
	}
	return joinStrings(keeps) + " (for employment)"
}

// unusedPurposes names the purposes no role of the map acts under.
func (m Map) unusedPurposes() []string {
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

//go:embed page.html.tmpl
var pageTemplate string

// page is the HTML page of a map (page.html.tmpl).
var page = template.Must(template.New("datamap").Funcs(template.FuncMap{
	"consentText": consentText,
	"yesNo":       yesNo,
	"grace":       graceText,
	"keeps":       keepsText,
	"categories":  categoriesText,
	"period":      periodText,
	"uses":        Surface.usesText,
	"join": func(xs any) string {
		switch xs := xs.(type) {
		case []consent.Role:
			return joinStrings(xs)
		case []consent.Dimension:
			return joinStrings(xs)
		}
		return ""
	},
}).Parse(pageTemplate))

// htmlCell is a cell as the HTML template shows it.
type htmlCell struct{ Class, Short string }

// htmlField is a field's row as the HTML template shows it.
type htmlField struct {
	Field, CategoryText   string
	ProvidableToEmployers bool
	Cells                 []htmlCell
}

type htmlType struct {
	Name   string
	Fields []htmlField
}

// HTML writes the map as a self-contained HTML page (inline CSS, no
// external assets, everything escaped by html/template).
func (m Map) HTML(w io.Writer) error {
	data := struct {
		PolicyVersion  string
		Columns        []Column
		Surfaces       []Surface
		SurfacesLead   string
		Unused         []string
		Statistics     []Statistic
		EndOfProvision []EndOfProvision
		Retention      []Retention
		RetentionLead  string
		Types          []htmlType
	}{Retention: m.Retention, RetentionLead: retentionLead, PolicyVersion: m.PolicyVersion, Columns: m.Columns, Surfaces: m.Surfaces, SurfacesLead: surfacesLead, Unused: m.unusedPurposes(), Statistics: m.Statistics, EndOfProvision: m.EndOfProvision}
	for _, t := range m.types() {
		ht := htmlType{Name: t.Name}
		for _, f := range t.Fields {
			hf := htmlField{Field: f.Field, CategoryText: f.categoryText(), ProvidableToEmployers: f.ProvidableToEmployers}
			for _, c := range f.Cells {
				hf.Cells = append(hf.Cells, htmlCell{Class: strings.ToLower(c.Outcome), Short: c.short()})
			}
			ht.Fields = append(ht.Fields, hf)
		}
		data.Types = append(data.Types, ht)
	}
	var b bytes.Buffer
	if err := page.Execute(&b, data); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
