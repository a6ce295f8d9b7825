// Package datamap builds the data map: for every personal field of the
// GraphQL schema, what each role sees of it under each purpose it may act
// under. It is generated from the schema's @personal categories and the
// loaded policy, and every cell is the consent engine's own decision, so
// the map cannot drift from what the gateway enforces.
//
//	go run ./server datamap [-json]   Markdown (or JSON) on stdout
//	GET /datamap                      the same map as an HTML page (Handler)
//
// It reads the schema through graph and decides through consent; it must
// not import the gateway or the command.
package datamap

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/graph"
)

// Map is the data map of one policy over one schema. Columns are in
// role order (consent.Roles, then ANONYMOUS), a role's purposes in the
// policy's order; Fields are sorted by type, then field; each field's Cells
// follow Columns.
type Map struct {
	PolicyVersion  string           `json:"policyVersion"`
	Purposes       []Purpose        `json:"purposes"`
	Columns        []Column         `json:"columns"`
	Fields         []Field          `json:"fields"`
	Statistics     []Statistic      `json:"statistics"`
	EndOfProvision []EndOfProvision `json:"endOfProvision"`
	// Retention is how long each kind of data is kept, which categories it
	// holds, and what happens at the end (the policy's retention section).
	Retention []Retention `json:"retention"`
	// Surfaces are where the gateway shows or changes personal data (the
	// map of the gateway's own schema, BuildSchema, has them).
	Surfaces []Surface `json:"surfaces,omitempty"`
}

// EndOfProvision is when provision to an employer ends for one final
// state of an application (consent.FinalStates): GraceDays after reaching
// it, and what the employer keeps after that (for a hire, the categories
// kept for employment; otherwise nothing: it no longer reaches the
// applicant or the application through it, by any path).
type EndOfProvision struct {
	State     consent.FinalState `json:"state"`
	GraceDays int                `json:"graceDays"`
	Keeps     []consent.Category `json:"keeps"`
}

// Retention is one kind of data's retention (consent.RetentionRule): the
// categories it holds (none: it holds ids, names and counts only), its
// period, the action at its end, and the legal reason.
type Retention struct {
	Kind       consent.RetentionKind   `json:"kind"`
	Categories []consent.Category      `json:"categories"`
	Period     string                  `json:"period"`
	Action     consent.RetentionAction `json:"action"`
	Reason     string                  `json:"reason"`
}

// retentionCategories are the categories each kind of data holds: an
// account holds the profile (every category but the answers, which an
// application holds); the ledger, the records and the spends hold none.
func retentionCategories(k consent.RetentionKind) []consent.Category {
	switch k {
	case consent.InactiveAccounts:
		return slices.DeleteFunc(slices.Clone(consent.Categories), func(c consent.Category) bool { return c == consent.ApplicationAnswers })
	case consent.ClosedApplications:
		return []consent.Category{consent.ApplicationAnswers}
	}
	return []consent.Category{}
}

// Statistic is what the statistics of one aggregate-only purpose
// (ANALYTICS, ADVERTISING) may group and filter by, and how they are
// protected: no group under MinGroupSize (the release threshold may be
// higher, see consent.AggregateQuery.Threshold), noise calibrated to
// Epsilon per query, at most DailyBudget per viewer in 24 hours.
type Statistic struct {
	Purpose      consent.Purpose     `json:"purpose"`
	Roles        []consent.Role      `json:"roles"`
	Dimensions   []consent.Dimension `json:"dimensions"`
	MinGroupSize int                 `json:"minGroupSize"`
	Epsilon      float64             `json:"epsilon"`
	Delta        float64             `json:"delta"`
	DailyBudget  float64             `json:"dailyBudget"`
}

// Purpose is one purpose of policy §4 and its consent default.
type Purpose struct {
	Purpose consent.Purpose        `json:"purpose"`
	Consent consent.ConsentDefault `json:"consent"`
	Roles   []consent.Role         `json:"roles"` // the roles that may act under it
}

// Column is one viewer of the map: a role acting under one purpose,
// or a role that acts under none (APPLICANT's self-access, COMPLIANCE,
// ADMIN, ANONYMOUS), explained by Note.
type Column struct {
	Role    consent.Role           `json:"role"`
	Purpose consent.Purpose        `json:"purpose,omitempty"`
	Consent consent.ConsentDefault `json:"consent,omitempty"` // the purpose's consent default
	Note    string                 `json:"note,omitempty"`
	// AfterHire: the column is the employer's once a hire is past its
	// grace period (what it keeps for employment); the plain
	// EMPLOYER_PROVISION column is while an application is not past its
	// end of provision.
	AfterHire bool `json:"afterHire,omitempty"`
}

// Label names the column: "EMPLOYER/EMPLOYER_PROVISION",
// "EMPLOYER/EMPLOYER_PROVISION after hire", "APPLICANT (self)", "ADMIN".
func (c Column) Label() string {
	switch {
	case c.AfterHire:
		return string(c.Role) + "/" + string(c.Purpose) + " after hire"
	case c.Purpose != "":
		return string(c.Role) + "/" + string(c.Purpose)
	case c.Role == consent.Applicant:
		return string(c.Role) + " (self)"
	}
	return string(c.Role)
}

// Field is one personal field ("Applicant.email") and what each
// column sees of it.
type Field struct {
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
	Bundle bool `json:"bundle,omitempty"`
	// Timestamp: the field is an update time that moves with every
	// category (@personalTimestamp, Category empty); a column sees it, as
	// a bundle, only if it sees every category plain.
	Timestamp bool `json:"timestamp,omitempty"`
	// PerValue, for a field whose category depends on the value
	// (@personalPerValue), is the rule that picks it; the field has a row
	// per category it may have, each with the cells of that category.
	PerValue string `json:"perValue,omitempty"`
	Cells    []Cell `json:"cells"`
}

// categoryText is the field's category, or "every category" for a bundle;
// for a field whose category depends on the value, with the rule.
func (f Field) categoryText() string {
	switch {
	case f.Bundle:
		return "every category"
	case f.Timestamp:
		return "moves with every category"
	case f.PerValue != "":
		return string(f.Category) + " (per value: " + f.PerValue + ")"
	}
	return string(f.Category)
}

// Cell returns what role sees of the field under purpose ("" for a
// column without one), and whether the map has that column.
func (f Field) Cell(role consent.Role, purpose consent.Purpose) (Cell, bool) {
	for _, c := range f.Cells {
		if c.Role == role && c.Purpose == purpose {
			return c, true
		}
	}
	return Cell{}, false
}

// Cell is the engine's decision for one column and one field, for a
// subject who consented to the column's purpose (and, for
// EMPLOYER_PROVISION, to that employer) and withholds nothing.
//
// A purpose that releases statistics only never releases a field's value:
// its cell is STATISTICS with the dimension the field feeds, when the
// policy lets the purpose group by it, and HIDE otherwise.
type Cell struct {
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
func (c Cell) String() string {
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
func (c Cell) short() string {
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

// Field returns the entry of "Type.field" (the first, for a field whose
// category depends on the value), and whether the map has it.
func (m Map) Field(name string) (Field, bool) {
	for _, f := range m.Fields {
		if f.Field == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldAs returns the entry of "Type.field" for its values of category c,
// and whether the map has it.
func (m Map) FieldAs(name string, c consent.Category) (Field, bool) {
	for _, f := range m.Fields {
		if f.Field == name && f.Category == c {
			return f, true
		}
	}
	return Field{}, false
}

// Column notes of the roles that act under no purpose.
const (
	noteSelf       = "an applicant's own data, through self-access"
	noteCompliance = "no purpose: personal data only to handle a privacy request or under a recorded legal basis of §5(2)"
	noteAdmin      = "no personal data at all"
	noteAnonymous  = "a request without a token"
	noteNoPurpose  = "acts under no purpose in this policy"
	noteStatistics = "statistics only (applicantStatistics): never a subject's row or value"
	noteProvision  = "while an application to the employer is not past its end of provision (see End of provision); after it, nothing"
	noteAfterHire  = "a hire past its grace period: only what the employer keeps for employment"
)

// account names the viewer, and the employer, the map decides for.
const account = "datamap"

// Build computes the data map of policy over the personal fields of
// categories ("Type.field" → category, from graph.Categories). Each cell
// asks the engine, for a viewer of the column's role declaring its purpose,
// about a subject who granted that purpose: what the gateway enforces for
// a consenting subject. (Without the consent an OPT_IN purpose sees
// nothing; a subject may also withhold single categories from an
// employer.)
func Build(categories map[string]consent.Category, policy *consent.Policy) Map {
	if policy == nil {
		policy = &consent.Policy{}
	}
	engine := consent.NewEngine(policy)
	m := Map{PolicyVersion: policy.Version, Purposes: []Purpose{}, Columns: []Column{}, Fields: []Field{}}

	roles := append(slices.Clone(consent.Roles), consent.Anonymous)
	for _, p := range consent.Purposes {
		dp := Purpose{Purpose: p, Consent: policy.Purposes[p], Roles: []consent.Role{}}
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
			m.Columns = append(m.Columns, Column{Role: r, Note: noteSelf})
		case len(purposes) == 0:
			m.Columns = append(m.Columns, Column{Role: r, Note: noPurposeNote(r)})
		default:
			for _, p := range purposes {
				col := Column{Role: r, Purpose: p, Consent: policy.Purposes[p]}
				if p.AggregateOnly() {
					col.Note = noteStatistics
				}
				if p == consent.EmployerProvision {
					col.Note = noteProvision
				}
				m.Columns = append(m.Columns, col)
				if p == consent.EmployerProvision && len(policy.EndOfProvision[consent.Hired].Keep) > 0 {
					m.Columns = append(m.Columns, Column{Role: r, Purpose: p, Consent: policy.Purposes[p], Note: noteAfterHire, AfterHire: true})
				}
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
		f := Field{Field: name, Type: typ, Name: field, Category: c, ProvidableToEmployers: c.ProvidableToEmployers()}
		for _, col := range m.Columns {
			f.Cells = append(f.Cells, decideCell(engine, col, name, c))
		}
		m.Fields = append(m.Fields, f)
	}
	for _, p := range consent.Purposes {
		if !p.AggregateOnly() {
			continue
		}
		st := Statistic{Purpose: p, Roles: m.Purposes[slices.IndexFunc(m.Purposes, func(dp Purpose) bool { return dp.Purpose == p })].Roles,
			Dimensions: []consent.Dimension{}, MinGroupSize: policy.MinGroupSize, Epsilon: policy.Aggregates.Epsilon,
			Delta: policy.Aggregates.Delta, DailyBudget: policy.Aggregates.DailyBudget}
		for _, d := range consent.Dimensions {
			if engine.Groupable(p, d) {
				st.Dimensions = append(st.Dimensions, d)
			}
		}
		m.Statistics = append(m.Statistics, st)
	}
	m.EndOfProvision = []EndOfProvision{}
	for _, s := range consent.FinalStates {
		e := policy.EndOfProvision[s]
		m.EndOfProvision = append(m.EndOfProvision, EndOfProvision{State: s, GraceDays: int(e.Grace / (24 * time.Hour)),
			Keeps: append([]consent.Category{}, e.Keep...)})
	}
	m.Retention = []Retention{}
	for _, k := range consent.RetentionKinds {
		r := policy.Retention[k]
		m.Retention = append(m.Retention, Retention{Kind: k, Categories: retentionCategories(k), Period: r.Period.String(),
			Action: r.Action, Reason: r.Reason})
	}
	return m
}

// decideCell is what col sees of the field name of category c: the
// engine's decision, or for a purpose that releases statistics only, the
// dimension the field feeds if the purpose may group by it.
func decideCell(engine *consent.Engine, col Column, name string, c consent.Category) Cell {
	cell := Cell{Role: col.Role, Purpose: col.Purpose, Outcome: consent.Hidden.String()}
	if col.Purpose.AggregateOnly() {
		for _, d := range consent.Dimensions {
			if field, ok := graph.DimensionField(d); ok && field == name && engine.Groupable(col.Purpose, d) {
				cell.Outcome, cell.Dimension = outcomeStatistics, string(d)
			}
		}
		return cell
	}
	d := engine.Decide(columnViewer(col), columnSubject(col), c)
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

// columnViewer is the viewer of a column: the role, declaring the
// column's purpose. An anonymous viewer has no identity.
func columnViewer(col Column) consent.Viewer {
	if col.Role == consent.Anonymous {
		return consent.AnonymousViewer
	}
	return consent.Viewer{Account: account, Role: col.Role, Org: account, Purpose: col.Purpose}
}

// columnSubject is the subject of a column: the applicant themself for
// APPLICANT, otherwise someone who granted the column's purpose (to the
// viewer's organisation, for EMPLOYER_PROVISION, with an application to it
// not past its end of provision, or a hire past its grace period for the
// after-hire column) and withholds nothing.
func columnSubject(col Column) consent.Subject {
	if col.Role == consent.Applicant {
		return consent.Subject{Self: true}
	}
	if col.Purpose == "" {
		return consent.Subject{}
	}
	grant := consent.Entry{Seq: 1, Purpose: col.Purpose, Granted: true}
	s := consent.Subject{}
	if col.Purpose == consent.EmployerProvision {
		grant.Recipient = account
		s.Provision = consent.ProvisionOpen
		if col.AfterHire {
			s.Provision = consent.ProvisionKept
		}
	}
	s.Consents = consent.State(grant)
	return s
}

// types returns the map's fields grouped by type, in the map's order.
func (m Map) types() []typeFields {
	var out []typeFields
	for _, f := range m.Fields {
		if len(out) == 0 || out[len(out)-1].Name != f.Type {
			out = append(out, typeFields{Name: f.Type})
		}
		out[len(out)-1].Fields = append(out[len(out)-1].Fields, f)
	}
	return out
}

type typeFields struct {
	Name   string
	Fields []Field
}

// addPerValue adds, for each field whose category depends on the value, a
// row per category it may have, each with that category's cells.
func (m *Map) addPerValue(fields []graph.PerValue, policy *consent.Policy) {
	engine := consent.NewEngine(policy)
	for _, pv := range fields {
		typ, field, _ := strings.Cut(pv.Field, ".")
		for _, c := range pv.Categories {
			f := Field{Field: pv.Field, Type: typ, Name: field, Category: c, ProvidableToEmployers: c.ProvidableToEmployers(), PerValue: pv.Rule}
			for _, col := range m.Columns {
				f.Cells = append(f.Cells, decideCell(engine, col, pv.Field, c))
			}
			m.Fields = append(m.Fields, f)
		}
	}
	slices.SortStableFunc(m.Fields, func(a, b Field) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Name, b.Name))
	})
}

// addBundles adds a row per bundle field ("Type.field"): a column sees
// such a field, plain, only if it sees every category plain, as the field
// guard decides it.
func (m *Map) addBundles(bundles []string, policy *consent.Policy) {
	m.addAllOrNothing(bundles, policy, false)
}

// addTimestamps adds a row per update time that moves with every category
// ("Type.field"), decided as a bundle.
func (m *Map) addTimestamps(timestamps []string, policy *consent.Policy) {
	m.addAllOrNothing(timestamps, policy, true)
}

// addAllOrNothing adds a row per bundle or timestamp field: a column sees
// it, plain, only if it sees every category plain.
func (m *Map) addAllOrNothing(names []string, policy *consent.Policy, timestamp bool) {
	engine := consent.NewEngine(policy)
	for _, name := range names {
		typ, field, _ := strings.Cut(name, ".")
		f := Field{Field: name, Type: typ, Name: field, Bundle: !timestamp, Timestamp: timestamp}
		for _, col := range m.Columns {
			cell := Cell{Role: col.Role, Purpose: col.Purpose, Outcome: consent.Plain.String()}
			for _, c := range consent.Categories {
				if col.Purpose.AggregateOnly() || engine.Decide(columnViewer(col), columnSubject(col), c).Outcome != consent.Plain {
					cell.Outcome = consent.Hidden.String()
					break
				}
			}
			f.Cells = append(f.Cells, cell)
		}
		m.Fields = append(m.Fields, f)
	}
	slices.SortStableFunc(m.Fields, func(a, b Field) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Name, b.Name))
	})
}
