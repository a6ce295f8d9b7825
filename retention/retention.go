// Package retention runs the policy's retention section (consent.Policy's
// Retention): a Sweeper finds the data whose period has ended and erases
// or anonymises it, kind by kind, in small transactions (one account, or
// at most Batch rows, each), recording every action (a RetentionAction:
// the rule, the kind, the row's id or the batch's count, the time, the
// replica; never a personal value).
//
// A sweep is idempotent: what a sweep did, the next finds done, and a
// sweep stopped half-way (a crash, a failed transaction) leaves every
// transaction whole or undone, for the next sweep to finish. On
// PostgreSQL only one replica sweeps at a time: each sweep holds an
// advisory lock, which another replica's sweep fails to take and then
// skips; each transaction also reads its rows again, so that nothing is
// erased twice even without it.
//
// An inactive account is erased as a completed DELETION request erases
// it (requests.EraseExpired, the same code): the profile, answers and
// requests' content go, the ledger stays without personal value, the
// access records are pseudonymised. Access records are removed only as
// the chain's oldest prefix (records.Purge), with the checkpoint from
// which records.Verify goes on checking.
//
// This package imports the model, requests and records; nothing of the
// API.
package retention

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/answer"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	"consentgate/ent/budgetspend"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/retentionaction"
	"consentgate/ent/rule"
	"consentgate/records"
	"consentgate/requests"
)

// DefaultBatch is the most rows one transaction of a sweep acts on.
const DefaultBatch = 100

// lockKey is the PostgreSQL advisory lock a sweep holds ("RETAINER" in
// ASCII).
const lockKey = 0x52455441494e4552

// ErrNoPolicy: the sweeper was given no policy.
var ErrNoPolicy = errors.New("retention: no policy")

// Sweeper sweeps one database under one policy. Its zero fields take
// defaults; Client and Engine are required. A Sweeper runs one sweep at a
// time.
type Sweeper struct {
	Client *ent.Client
	// Engine holds the policy: its retention section, and the purposes an
	// erasure withdraws.
	Engine *consent.Engine
	// Now is the sweeper's clock (default time.Now): a period ends by it.
	Now func() time.Time
	// Replica names this process in what is recorded (default host:pid).
	Replica string
	// Batch bounds the rows of one transaction (default DefaultBatch).
	Batch int
	// Sealer seals the identity of an account it erases while records of
	// provision of them are within their period (records.Seal), as a
	// DELETION does; without one such an erasure fails (records.ErrNoSealer).
	Sealer *records.Sealer
	// Log gets one line per rule that acted (counts only).
	Log *slog.Logger
	// Metrics, when set, counts the rows each rule acted on.
	Metrics *Metrics
	// BeforeCommit, when set, runs in each transaction just before it
	// commits, with the number of transactions the sweep committed (or, in
	// a dry run, ran) before it; an error rolls the transaction back and
	// ends the sweep. For tests: a crash mid-sweep.
	BeforeCommit func(done int) error

	mu sync.Mutex
}

// Report is what a sweep did (or, in a dry run, would do).
type Report struct {
	Run     string // the sweep's id, as recorded
	DryRun  bool
	Skipped bool // another replica was sweeping: this one did nothing
	Rules   []RuleReport
}

// RuleReport is one rule's part of a sweep.
type RuleReport struct {
	Kind   consent.RetentionKind
	Period consent.Period
	Action consent.RetentionAction
	Count  int // rows acted on (accounts, applications, records, spends)
	// Note says why a rule acts on nothing of its own ("" when it acts).
	Note string
}

// Total is the rows a sweep acted on, over every rule.
func (r *Report) Total() int {
	n := 0
	for _, rr := range r.Rules {
		n += rr.Count
	}
	return n
}

// sweep is one run's state.
type sweep struct {
	*Sweeper
	ctx      context.Context // privileged, the clock set
	now      time.Time
	run      string
	dry      bool
	postgres bool
	done     int // transactions run
}

// Sweep runs every rule once, at Now. A dry run does everything in
// transactions it rolls back, and so reports what a sweep would do,
// counts only, and changes nothing.
func (s *Sweeper) Sweep(ctx context.Context, dryRun bool) (*Report, error) {
	if s.Engine == nil || s.Engine.Policy() == nil {
		return nil, ErrNoPolicy
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	w := &sweep{Sweeper: s, now: now().UTC().Truncate(time.Microsecond), run: hex.EncodeToString(id), dry: dryRun}
	w.ctx = rule.WithNow(privacy.DecisionContext(ctx, privacy.Allow), w.now)
	if s.Sealer != nil {
		w.ctx = records.WithSealer(w.ctx, s.Sealer)
	}
	rep := &Report{Run: w.run, DryRun: dryRun}
	var err error
	if w.postgres, err = records.IsPostgres(ctx, s.Client); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	if w.postgres {
		unlock, ok, err := w.lock()
		if err != nil {
			return nil, fmt.Errorf("retention: taking the sweep lock: %w", err)
		}
		if !ok {
			rep.Skipped = true
			return rep, nil
		}
		defer unlock()
	}
	pol := s.Engine.Policy()
	for _, kind := range consent.RetentionKinds {
		r, ok := pol.Retention[kind]
		if !ok {
			continue
		}
		rr := RuleReport{Kind: kind, Period: r.Period, Action: r.Action}
		switch {
		case r.Action == consent.KeepLegalBasis:
			rr.Note = "kept under its legal basis"
		case kind == consent.ConsentLedger:
			rr.Note = "kept with no personal value when its account is erased"
		default:
			n, err := w.rule(kind, r)
			rr.Count = n
			if err != nil {
				if !dryRun {
					s.Metrics.add(rr) // its transactions that committed
				}
				rep.Rules = append(rep.Rules, rr)
				return rep, fmt.Errorf("retention: %s: %w", kind, err)
			}
		}
		if !dryRun {
			s.Metrics.add(rr)
		}
		if rr.Count > 0 && s.Log != nil {
			s.Log.Info("retention", "run", w.run, "kind", string(kind), "rule", ruleName(r), "count", rr.Count, "dryRun", dryRun)
		}
		rep.Rules = append(rep.Rules, rr)
	}
	return rep, nil
}

// lock takes the sweep's advisory lock on PostgreSQL, in a transaction of
// its own held to the end of the sweep (unlock ends it; a process that
// dies ends it with its connection). Not taken: another replica sweeps.
func (w *sweep) lock() (unlock func(), ok bool, err error) {
	tx, err := w.Client.Tx(w.ctx)
	if err != nil {
		return nil, false, err
	}
	// One row if the lock was taken, none if not (the statement's row
	// count: the transaction's client runs statements, not queries).
	res, err := tx.ExecContext(w.ctx, "SELECT 1 WHERE pg_try_advisory_xact_lock($1)", int64(lockKey))
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil || n != 1 {
		return nil, false, errors.Join(err, tx.Rollback())
	}
	return func() { _ = tx.Rollback() }, true, nil
}

func ruleName(r consent.RetentionRule) string { return r.Period.String() + " " + string(r.Action) }

// rule runs one rule to the end and returns the rows it acted on.
func (w *sweep) rule(kind consent.RetentionKind, r consent.RetentionRule) (int, error) {
	cutoff := r.Period.Cutoff(w.now)
	switch kind {
	case consent.InactiveAccounts:
		return w.accounts(r, cutoff)
	case consent.ClosedApplications:
		return w.applications(r, cutoff)
	case consent.AccessRecords:
		return w.records(r, cutoff)
	case consent.BudgetSpends:
		return w.spends(r, cutoff)
	}
	return 0, fmt.Errorf("no sweep for %s", kind)
}

// inTx runs f in a transaction of its own, commits it (a dry run rolls it
// back) and counts it.
func (w *sweep) inTx(f func(tx *ent.Tx) error) error {
	tx, err := w.Client.Tx(w.ctx)
	if err != nil {
		return err
	}
	err = f(tx)
	if err == nil && w.BeforeCommit != nil {
		err = w.BeforeCommit(w.done)
	}
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	w.done++
	if w.dry {
		return tx.Rollback()
	}
	return tx.Commit()
}

// record notes an action in tx.
func (w *sweep) record(tx *ent.Tx, r consent.RetentionRule, target *int, count int) *ent.RetentionActionCreate {
	return tx.RetentionAction.Create().SetAt(w.now).SetRun(w.run).SetReplica(w.replica()).
		SetKind(retentionaction.Kind(r.Kind)).SetRule(ruleName(r)).SetNillableTargetID(target).SetCount(count)
}

func (w *sweep) replica() string {
	if w.Replica != "" {
		return w.Replica
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

func (w *sweep) batch() int {
	if w.Batch > 0 {
		return w.Batch
	}
	return DefaultBatch
}

// accounts erases the accounts with no activity since cutoff, one per
// transaction, each checked again in its transaction.
func (w *sweep) accounts(r consent.RetentionRule, cutoff time.Time) (int, error) {
	erased, after := 0, 0
	for {
		ids, err := w.Client.Applicant.Query().
			Where(applicant.IDGT(after), applicant.ErasedAtIsNil(), applicant.UpdatedAtLT(cutoff), applicant.CreatedAtLT(cutoff)).
			Order(ent.Asc(applicant.FieldID)).Limit(w.batch()).IDs(w.ctx)
		if err != nil {
			return erased, err
		}
		for _, id := range ids {
			after = id
			did := false
			err := w.inTx(func(tx *ent.Tx) error {
				inactive, err := inactiveSince(w.ctx, tx.Client(), id, cutoff)
				if err != nil || !inactive {
					return err
				}
				_, err = requests.EraseExpired(w.ctx, tx.Client(), w.Engine, id, w.now)
				if errors.Is(err, requests.ErrSubjectErased) { // by a DELETION, meanwhile
					return nil
				}
				if err != nil {
					return err
				}
				did = true
				return w.record(tx, r, &id, 1).Exec(w.ctx)
			})
			if err != nil {
				return erased, err
			}
			if did {
				erased++
			}
		}
		if len(ids) < w.batch() {
			return erased, nil
		}
	}
}

// inactiveSince reports whether applicant id, read in the transaction,
// is live and has had no activity since cutoff: no change to the profile,
// to an application or a privacy request, and no consent entry. Reads are
// not activity: the gateway records no sign-in (tokens come from the
// identity provider) and no access record of a subject's own reads.
func inactiveSince(ctx context.Context, client *ent.Client, id int, cutoff time.Time) (bool, error) {
	a, err := client.Applicant.Query().Where(applicant.ID(id), applicant.ErasedAtIsNil()).Only(ctx)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !a.UpdatedAt.Before(cutoff) || !a.CreatedAt.Before(cutoff) {
		return false, nil
	}
	checks := []func(context.Context) (bool, error){
		client.Application.Query().Where(application.ApplicantID(id), application.UpdatedAtGTE(cutoff)).Exist,
		client.Consent.Query().Where(entconsent.ApplicantID(id), entconsent.RecordedAtGTE(cutoff)).Exist,
		client.PrivacyRequest.Query().Where(privacyrequest.ApplicantID(id), privacyrequest.UpdatedAtGTE(cutoff)).Exist,
	}
	for _, active := range checks {
		if yes, err := active(ctx); err != nil || yes {
			return false, err
		}
	}
	return true, nil
}

// closedBefore matches the applications in a final state since before
// cutoff (by their status change; an application without one, by its last
// change).
func closedBefore(cutoff time.Time) predicate.Application {
	return application.And(
		application.StatusIn(application.StatusWITHDRAWN, application.StatusREJECTED, application.StatusHIRED),
		application.Or(application.StatusChangedAtLT(cutoff),
			application.And(application.StatusChangedAtIsNil(), application.UpdatedAtLT(cutoff))))
}

// applications erases (or anonymises) the applications closed since
// before cutoff, Batch per transaction, each recorded by its id.
func (w *sweep) applications(r consent.RetentionRule, cutoff time.Time) (int, error) {
	done, after := 0, 0
	where := []predicate.Application{closedBefore(cutoff)}
	if r.Action == consent.Anonymise { // not yet anonymised
		where = append(where, application.Or(application.ReasonNotNil(), application.HasAnswers()))
	}
	for {
		n := 0
		err := w.inTx(func(tx *ent.Tx) error {
			ids, err := tx.Application.Query().Where(append(where, application.IDGT(after))...).
				Order(ent.Asc(application.FieldID)).Limit(w.batch()).IDs(w.ctx)
			if err != nil || len(ids) == 0 {
				return err
			}
			n, after = len(ids), ids[len(ids)-1]
			if r.Action == consent.Anonymise {
				err = requests.AnonymiseApplications(w.ctx, tx.Client(), ids)
			} else {
				err = eraseApplications(w.ctx, tx, ids)
			}
			if err != nil {
				return err
			}
			rows := make([]*ent.RetentionActionCreate, len(ids))
			for i := range ids {
				rows[i] = w.record(tx, r, &ids[i], 1)
			}
			return tx.RetentionAction.CreateBulk(rows...).Exec(w.ctx)
		})
		if err != nil {
			return done, err
		}
		done += n
		if n < w.batch() {
			return done, nil
		}
	}
}

// eraseApplications removes applications and their answers; the consent
// entries they recorded stay, without the link (the database sets it
// null).
func eraseApplications(ctx context.Context, tx *ent.Tx, ids []int) error {
	if _, err := tx.Answer.Delete().Where(answer.ApplicationIDIn(ids...)).Exec(ctx); err != nil {
		return fmt.Errorf("erasing the answers: %w", err)
	}
	if _, err := tx.Application.Delete().Where(application.IDIn(ids...)).Exec(ctx); err != nil {
		return fmt.Errorf("erasing the applications: %w", err)
	}
	return nil
}

// records removes the access records older than cutoff, oldest first,
// Batch per transaction, each batch recorded with the checkpoint of the
// chain that remains.
func (w *sweep) records(r consent.RetentionRule, cutoff time.Time) (int, error) {
	done := 0
	if w.dry {
		n, err := records.Purgeable(w.ctx, w.Client, cutoff)
		if err != nil {
			return n, err
		}
		done = n
	}
	for !w.dry {
		var p records.Purged
		err := w.inTx(func(tx *ent.Tx) error {
			var err error
			if p, err = records.Purge(w.ctx, tx, w.postgres, cutoff, w.batch()); err != nil || p.Count == 0 {
				return err
			}
			return w.record(tx, r, nil, p.Count).SetThroughID(p.Through).SetThroughHash(p.Hash).Exec(w.ctx)
		})
		if err != nil {
			return done, err
		}
		if p.Count == 0 {
			break
		}
		done += p.Count
	}
	// The sealed identities of erased subjects go with their records:
	// once past their time and none of their records is left.
	err := w.inTx(func(tx *ent.Tx) error {
		n, err := records.PurgeSealed(w.ctx, tx.Client(), w.now)
		if err != nil || n == 0 {
			return err
		}
		done += n
		return w.record(tx, r, nil, n).SetRule(ruleName(r) + " (sealed identities)").Exec(w.ctx)
	})
	return done, err
}

// spends removes the budget spends older than cutoff, Batch per
// transaction.
func (w *sweep) spends(r consent.RetentionRule, cutoff time.Time) (int, error) {
	done, after := 0, 0
	for {
		n := 0
		err := w.inTx(func(tx *ent.Tx) error {
			ids, err := tx.BudgetSpend.Query().Where(budgetspend.SpentAtLT(cutoff), budgetspend.IDGT(after)).
				Order(ent.Asc(budgetspend.FieldID)).Limit(w.batch()).IDs(w.ctx)
			if err != nil || len(ids) == 0 {
				return err
			}
			n, after = len(ids), ids[len(ids)-1]
			if _, err := tx.BudgetSpend.Delete().Where(budgetspend.IDIn(ids...)).Exec(w.ctx); err != nil {
				return err
			}
			return w.record(tx, r, nil, n).Exec(w.ctx)
		})
		if err != nil {
			return done, err
		}
		done += n
		if n < w.batch() {
			return done, nil
		}
	}
}
