package consent

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	yaml "go.yaml.in/yaml/v3"
)

// aggregates parses the optional aggregates section: epsilon, delta,
// dailyBudget and operationDailyBudget, each optional (the defaults stand
// for what is left out; operationDailyBudget's is dailyBudget).
func (l *loader) aggregates(p *Policy, e entry) {
	if e.val.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "must be a mapping of epsilon, delta, dailyBudget and operationDailyBudget")
		return
	}
	ents, _ := l.entries(e.val, e.path)
	a := &p.Aggregates
	var epsilon, budget, opBudget *entry
	ok := true
	for i := range ents {
		f := &ents[i]
		x, isNum := number(f.val)
		switch f.key {
		case "epsilon":
			epsilon = f
			if !isNum || x <= 0 {
				l.add(f.line, f.path, "must be a number greater than 0, got "+describe(f.val))
				ok = false
			} else {
				a.Epsilon = x
			}
		case "delta":
			if !isNum || x <= 0 || x > MaxAggregateDelta {
				l.add(f.line, f.path, fmt.Sprintf("must be a number greater than 0 and at most %g, got %s", MaxAggregateDelta, describe(f.val)))
			} else {
				a.Delta = x
			}
		case "dailyBudget":
			budget = f
			if !isNum || x <= 0 {
				l.add(f.line, f.path, "must be a number greater than 0, got "+describe(f.val))
				ok = false
			} else {
				a.DailyBudget = x
			}
		case "operationDailyBudget":
			opBudget = f
			if !isNum || x <= 0 {
				l.add(f.line, f.path, "must be a number greater than 0, got "+describe(f.val))
				ok = false
			} else {
				a.OperationDailyBudget = x
			}
		default:
			l.add(f.line, f.path, "unknown key (want epsilon, delta, dailyBudget or operationDailyBudget)")
		}
	}
	if !ok {
		return
	}
	if opBudget != nil && a.OperationDailyBudget < a.Epsilon {
		l.add(opBudget.line, opBudget.path, fmt.Sprintf("must be at least epsilon (%g), got %g", a.Epsilon, a.OperationDailyBudget))
	}
	if a.DailyBudget >= a.Epsilon {
		return
	}
	if budget != nil {
		l.add(budget.line, budget.path, fmt.Sprintf("must be at least epsilon (%g), got %g", a.Epsilon, a.DailyBudget))
	} else {
		l.add(epsilon.line, epsilon.path, fmt.Sprintf("must be at most dailyBudget (%g, the default), got %g", a.DailyBudget, a.Epsilon))
	}
}

// endOfProvision parses the optional endOfProvision section: per final
// state, graceDays (0 to MaxGraceDays) and, for HIRED only, keep (the
// categories kept for employment, each one §5(1) lists). A state left out,
// and a key left out of a state, keeps its default (DefaultEndOfProvision).
func (l *loader) endOfProvision(p *Policy, e entry) {
	if e.val.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "must be a mapping of final states ("+joinNames(FinalStates)+") to {graceDays: N}")
		return
	}
	ents, _ := l.entries(e.val, e.path)
	for _, se := range ents {
		s := FinalState(se.key)
		if !slices.Contains(FinalStates, s) {
			l.add(se.line, se.path, "unknown final state (want "+joinNames(FinalStates)+")")
			continue
		}
		if se.val.Kind != yaml.MappingNode {
			l.add(se.line, se.path, "must be a mapping of graceDays (and keep, for HIRED), got "+describe(se.val))
			continue
		}
		end := p.EndOfProvision[s]
		fields, _ := l.entries(se.val, se.path)
		for _, f := range fields {
			switch f.key {
			case "graceDays":
				if d, ok := integer(f.val); !ok || d < 0 || d > MaxGraceDays {
					l.add(f.line, f.path, fmt.Sprintf("must be a whole number of days from 0 to %d, got %s", MaxGraceDays, describe(f.val)))
				} else {
					end.Grace = time.Duration(d) * 24 * time.Hour
				}
			case "keep":
				if s != Hired {
					l.add(f.line, f.path, "only HIRED keeps categories after its grace period")
					continue
				}
				end.Keep = l.keptCategories(f)
			default:
				l.add(f.line, f.path, "unknown key (want graceDays, or keep for HIRED)")
			}
		}
		p.EndOfProvision[s] = end
	}
}

// policyChanges parses the optional policyChanges section: noticeDays,
// the least number of days between publishing a policy version and its
// effective time (MinNoticeDays to MaxNoticeDays; DefaultNoticeDays when
// left out).
func (l *loader) policyChanges(p *Policy, e entry) {
	if e.val.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "must be a mapping of noticeDays, got "+describe(e.val))
		return
	}
	fields, _ := l.entries(e.val, e.path)
	for _, f := range fields {
		switch f.key {
		case "noticeDays":
			if d, ok := integer(f.val); !ok || d < MinNoticeDays || d > MaxNoticeDays {
				l.add(f.line, f.path, fmt.Sprintf("must be a whole number of days from %d to %d, got %s", MinNoticeDays, MaxNoticeDays, describe(f.val)))
			} else {
				p.PolicyChanges.NoticePeriod = time.Duration(d) * 24 * time.Hour
			}
		default:
			l.add(f.line, f.path, "unknown key (want noticeDays)")
		}
	}
}

// keptCategories parses HIRED's keep: a list of distinct categories, each
// one §5(1) lists ([] for none).
func (l *loader) keptCategories(e entry) []Category {
	if e.val.Kind != yaml.SequenceNode {
		l.add(e.line, e.path, "must be a list of categories ([] for none), got "+describe(e.val))
		return nil
	}
	out := []Category{}
	for _, el := range e.val.Content {
		s, _ := str(el)
		c, err := ParseCategory(s)
		switch {
		case err != nil:
			l.add(el.Line, e.path, "unknown category "+describe(el))
		case !c.ProvidableToEmployers():
			l.add(el.Line, e.path, fmt.Sprintf("%s is a category §5(1) excludes: it cannot be kept by an employer", c))
		case slices.Contains(out, c):
			l.add(el.Line, e.path, fmt.Sprintf("%s listed twice", c))
		default:
			out = append(out, c)
		}
	}
	return out
}

// number returns the value of a finite integer or float scalar.
func number(n *yaml.Node) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		return 0, false
	}
	var x float64
	if err := n.Decode(&x); err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

func (l *loader) version(p *Policy, e entry) {
	v := e.val
	switch {
	case v.Kind != yaml.ScalarNode:
		l.add(e.line, e.path, "must be a string, got "+describe(v))
	case v.ShortTag() == "!!null" || strings.TrimSpace(v.Value) == "":
		l.add(e.line, e.path, "must not be empty")
	case strings.IndexFunc(v.Value, unicode.IsControl) >= 0:
		l.add(e.line, e.path, "must be one line of printable text")
	default:
		p.Version = v.Value
	}
}

func (l *loader) purposes(p *Policy, e entry) {
	if e.val.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "must be a mapping of each purpose to OPT_IN, OPT_OUT or NECESSARY")
		return
	}
	ents, present := l.entries(e.val, e.path)
	for _, pe := range ents {
		pu, err := ParsePurpose(pe.key)
		if err != nil {
			l.add(pe.line, pe.path, "unknown purpose")
			continue
		}
		s, ok := str(pe.val)
		d := ConsentDefault(s)
		switch {
		case !ok || !slices.Contains(consentDefaults, d):
			l.add(pe.line, pe.path, "bad consent default "+describe(pe.val)+" (want OPT_IN, OPT_OUT or NECESSARY)")
		case pu == EmployerProvision && d != OptIn:
			l.add(pe.line, pe.path, "must be OPT_IN: policy §4(1) provides to employers only with the user's consent")
		default:
			p.Purposes[pu] = d
		}
	}
	for _, pu := range Purposes {
		if !present[string(pu)] {
			l.add(e.line, keyPath(e.path, string(pu)), "missing (every purpose of policy §4 needs a consent default)")
		}
	}
}

func (l *loader) roles(p *Policy, e entry) {
	if e.val.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "must be a mapping of roles to lists of purposes")
		return
	}
	ents, _ := l.entries(e.val, e.path)
	for _, re := range ents {
		r := Role(re.key)
		switch _, err := ParseRole(re.key); {
		case r == Applicant:
			l.add(re.line, re.path, "APPLICANT may not be listed: self-access is built in, not a purpose")
			continue
		case r == Anonymous:
			l.add(re.line, re.path, "ANONYMOUS may not be listed: a request without a token acts under no purpose")
			continue
		case err != nil:
			l.add(re.line, re.path, "unknown role")
			continue
		}
		if re.val.Kind != yaml.SequenceNode {
			l.add(re.line, re.path, "must be a list of purposes ([] for none), got "+describe(re.val))
			continue
		}
		list := []Purpose{}
		for _, el := range re.val.Content {
			s, ok := str(el)
			pu, err := ParsePurpose(s)
			switch {
			case !ok || err != nil:
				l.add(el.Line, re.path, "unknown purpose "+describe(el))
			case slices.Contains(list, pu):
				l.add(el.Line, re.path, fmt.Sprintf("%s listed twice", pu))
			case !slices.Contains(MayActUnder[r], pu):
				l.add(el.Line, re.path, fmt.Sprintf("%s may not act under %s (DESIGN.md allows %s)", r, pu, joinNames(MayActUnder[r])))
			default:
				list = append(list, pu)
			}
		}
		p.RolePurposes[r] = list
	}
}

func (l *loader) rules(p *Policy, e entry) {
	if e.val.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "must be a mapping of purposes to their rules")
		return
	}
	ents, _ := l.entries(e.val, e.path)
	for _, pe := range ents {
		pu, err := ParsePurpose(pe.key)
		if err != nil {
			l.add(pe.line, pe.path, "unknown purpose")
			continue
		}
		if pe.val.Kind != yaml.MappingNode {
			l.add(pe.line, pe.path, "must be a mapping of categories to PLAIN, HIDE or {mask: NAME}")
			continue
		}
		cents, _ := l.entries(pe.val, pe.path)
		for _, ce := range cents {
			c, err := ParseCategory(ce.key)
			if err != nil {
				l.add(ce.line, ce.path, "unknown category")
				continue
			}
			rule, ok := l.rule(ce)
			if !ok {
				continue
			}
			if pu == EmployerProvision && !c.ProvidableToEmployers() && rule.Outcome != Hidden {
				l.add(ce.line, ce.path, "a category §5(1) excludes cannot be given to EMPLOYER_PROVISION")
				continue
			}
			p.Rules[pu][c] = rule
		}
	}
}

// rule parses one rule value: PLAIN, HIDE or {mask: NAME, n: INT, bounds: [INT, ...]}.
func (l *loader) rule(e entry) (Rule, bool) {
	v := e.val
	if v.Kind == yaml.ScalarNode {
		switch s, ok := str(v); {
		case ok && s == "PLAIN":
			return Rule{Outcome: Plain}, true
		case ok && s == "HIDE":
			return Rule{Outcome: Hidden}, true
		}
	}
	if v.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "bad rule "+describe(v)+" (want PLAIN, HIDE or {mask: NAME})")
		return Rule{}, false
	}
	before := len(l.errs)
	var m Mask
	var name, n, bounds *entry
	ents, _ := l.entries(v, e.path)
	for i := range ents {
		f := &ents[i]
		switch f.key {
		case "mask":
			name = f
		case "n":
			n = f
		case "bounds":
			bounds = f
		default:
			l.add(f.line, f.path, "unknown field (want mask, n or bounds)")
		}
	}
	if name == nil {
		l.add(e.line, e.path, "a mask rule needs mask: NAME")
	} else if s, ok := str(name.val); !ok || !slices.Contains(MaskNames, MaskName(s)) {
		l.add(name.line, name.path, "unknown mask "+describe(name.val)+" (want "+joinNames(MaskNames)+")")
	} else {
		m.Name = MaskName(s)
	}
	if m.Name == "" {
		return Rule{}, false
	}
	if n != nil && m.Name != MaskFirstN {
		l.add(n.line, n.path, fmt.Sprintf("%s takes no n (only FIRST_N does)", m.Name))
	}
	if bounds != nil && m.Name != MaskRange {
		l.add(bounds.line, bounds.path, fmt.Sprintf("%s takes no bounds (only RANGE does)", m.Name))
	}
	switch m.Name {
	case MaskFirstN:
		if n == nil {
			l.add(e.line, e.path, "FIRST_N needs n (at least 1)")
		} else if k, ok := integer(n.val); !ok || k < 1 {
			l.add(n.line, n.path, "must be an integer of at least 1, got "+describe(n.val))
		} else {
			m.N = k
		}
	case MaskRange:
		if bounds == nil {
			l.add(e.line, e.path, "RANGE needs bounds (a non-empty, strictly ascending list of integers)")
		} else {
			m.Bounds = l.bounds(bounds)
		}
	}
	if len(l.errs) > before {
		return Rule{}, false
	}
	return Rule{Outcome: Masked, Mask: m}, true
}

// bounds parses RANGE's bounds: a non-empty, strictly ascending list of
// integers.
func (l *loader) bounds(e *entry) []int {
	if e.val.Kind != yaml.SequenceNode || len(e.val.Content) == 0 {
		l.add(e.line, e.path, "must be a non-empty, strictly ascending list of integers, got "+describe(e.val))
		return nil
	}
	out := make([]int, 0, len(e.val.Content))
	for _, el := range e.val.Content {
		b, ok := integer(el)
		switch {
		case !ok:
			l.add(el.Line, e.path, "must be integers, got "+describe(el))
			return nil
		case len(out) > 0 && b <= out[len(out)-1]:
			l.add(el.Line, e.path, fmt.Sprintf("must be strictly ascending, got %d after %d", b, out[len(out)-1]))
			return nil
		}
		out = append(out, b)
	}
	return out
}
