package consent

import "time"

// Policy is the declarative policy: for each purpose of §4 its consent
// default, for each role the purposes it may act under, and for each
// (purpose, category) what is released. A category a purpose does not list
// is hidden. The default policy (policy.yaml, embedded) holds DESIGN.md's
// defaults; CONSENTGATE_POLICY replaces it at start-up.
type Policy struct {
	// Version names this policy file's version, e.g. "2026-01".
	Version string
	// MinGroupSize is the smallest group an aggregate may report (k).
	MinGroupSize int
	// Aggregates holds the differential-privacy parameters of statistics
	// queries (see Aggregate).
	Aggregates AggregatePolicy
	// Purposes holds the consent default of each of the seven purposes.
	Purposes map[Purpose]ConsentDefault
	// RolePurposes lists the purposes each role may act under. APPLICANT
	// (self-access), ANONYMOUS and ADMIN act under none.
	RolePurposes map[Role][]Purpose
	// Rules maps purpose and category to what the purpose releases.
	Rules map[Purpose]map[Category]Rule
	// EndOfProvision sets, for each final state of an application, when
	// its provision to the employer ends and what a hire keeps (see
	// provision.go). Every final state has an entry.
	EndOfProvision map[FinalState]EndOfProvision
	// Retention sets, for each kind of data, how long it is kept and what
	// happens at the end (see retention.go). Every kind has an entry.
	Retention map[RetentionKind]RetentionRule
	// PolicyChanges sets how a new policy version takes effect (§8).
	PolicyChanges PolicyChanges
}

// PolicyChanges is how a published policy version takes effect (§8): no
// sooner than NoticePeriod after it is published, so that applicants are
// told before a change applies to them and may object to it.
type PolicyChanges struct {
	// NoticePeriod is the least time between publishing a version and its
	// effective time (MinNoticeDays to MaxNoticeDays whole days).
	NoticePeriod time.Duration
}

// The policyChanges section's bounds and default, in days.
const (
	DefaultNoticeDays = 30
	MinNoticeDays     = 1
	MaxNoticeDays     = 365
)

// DefaultPolicyChanges returns the policyChanges a policy file leaves out.
func DefaultPolicyChanges() PolicyChanges {
	return PolicyChanges{NoticePeriod: DefaultNoticeDays * 24 * time.Hour}
}

// AggregatePolicy is the privacy budget of statistics queries (purposes
// ANALYTICS and ADVERTISING; see Aggregate for the guarantee).
type AggregatePolicy struct {
	// Epsilon is the privacy loss ε one statistics query spends (> 0).
	Epsilon float64
	// Delta is the probability δ (0 < δ ≤ MaxAggregateDelta) that one
	// query releases a group only because one person is in it; it sets the
	// release threshold together with MinGroupSize (AggregateQuery.Threshold).
	Delta float64
	// DailyBudget is the ε one viewer account may spend in any rolling 24
	// hours (≥ Epsilon). It is what stops averaging attacks: repeating a
	// query to average its noise away spends the budget.
	DailyBudget float64
	// OperationDailyBudget is the ε every account together may spend on one
	// approved operation in any rolling 24 hours (≥ Epsilon when set; 0, as
	// when the policy file leaves it out, stands for DailyBudget: see
	// OperationBudget). Without it, accounts that pool their answers to one
	// operation pool their budgets too: n analysts repeating a query with a
	// filter variable would spend n daily budgets on the same people.
	OperationDailyBudget float64
}

// The defaults of a policy's aggregates section, and the largest δ a policy
// may set.
const (
	DefaultAggregateEpsilon     = 1.0
	DefaultAggregateDelta       = 1e-5
	DefaultAggregateDailyBudget = 10.0
	MaxAggregateDelta           = 1e-3
)

// Allows reports whether one more query fits the daily budget of an account
// that spent spent (the sum of its queries' ε over the last 24 hours).
// Keeping that ledger is the caller's: it must survive restarts and be
// shared by replicas.
func (a AggregatePolicy) Allows(spent float64) bool {
	return a.Epsilon > 0 && spent >= 0 && spent+a.Epsilon <= a.DailyBudget*(1+1e-9)
}

// OperationBudget returns the ε all accounts together may spend on one
// approved operation in any rolling 24 hours: OperationDailyBudget, or
// DailyBudget when that is 0 (unset).
func (a AggregatePolicy) OperationBudget() float64 {
	if a.OperationDailyBudget > 0 {
		return a.OperationDailyBudget
	}
	return a.DailyBudget
}

// AllowsOperation reports whether one more query fits the daily budget of
// an approved operation on which every account together spent spent (the
// sum of its queries' ε over the last 24 hours). Like Allows, the ledger is
// the caller's, and the caller must check both in one transaction.
func (a AggregatePolicy) AllowsOperation(spent float64) bool {
	return a.Epsilon > 0 && spent >= 0 && spent+a.Epsilon <= a.OperationBudget()*(1+1e-9)
}

// ConsentDefault is how a purpose's consent works when the subject has said
// nothing: opt-in purposes need a grant, opt-out purposes hold until a
// withdrawal, necessary purposes need no consent.
type ConsentDefault string

// Consent defaults.
const (
	OptIn     ConsentDefault = "OPT_IN"
	OptOut    ConsentDefault = "OPT_OUT"
	Necessary ConsentDefault = "NECESSARY"
)

// Rule is what one purpose releases of one category: plain, masked with
// Mask, or hidden.
type Rule struct {
	Outcome Outcome
	Mask    Mask // set when Outcome is Masked
}

// MaskName names a mask function.
type MaskName string

// The masks. Each keeps the field's type; see mask.go for exact semantics.
const (
	MaskNullify    MaskName = "NULLIFY"
	MaskEmail      MaskName = "EMAIL"
	MaskLast4      MaskName = "LAST4"
	MaskFirstN     MaskName = "FIRST_N"
	MaskYear       MaskName = "YEAR"
	MaskAgeBand    MaskName = "AGE_BAND"
	MaskPrefecture MaskName = "PREFECTURE"
	MaskInitial    MaskName = "INITIAL"
	MaskRange      MaskName = "RANGE"
	MaskHash       MaskName = "HASH"
)

// MaskNames lists every mask.
var MaskNames = []MaskName{MaskNullify, MaskEmail, MaskLast4, MaskFirstN, MaskYear, MaskAgeBand, MaskPrefecture, MaskInitial, MaskRange, MaskHash}

// Mask is a named mask with its parameters.
type Mask struct {
	Name MaskName
	// N is FIRST_N's number of characters kept (at least 1).
	N int
	// Bounds are RANGE's ascending bucket lower bounds: a value maps to the
	// largest bound not above it (below the first bound: the first bound).
	Bounds []int
}
