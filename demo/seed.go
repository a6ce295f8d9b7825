package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"consentgate/ent"
	"consentgate/ent/application"
	"consentgate/ent/privacy"
)

// The demo data set's timeline. Every generated date derives from these,
// never from the clock, so two seeds give the same values. The service
// "launches" under policy version 2026-01; applicants register over the
// following eleven weeks and the data set reads as of the reference day.
var (
	demoPolicyEffective = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	demoLaunch          = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	demoReferenceDay    = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	// demoPolicyChange took effect after every demo consent was given.
	demoPolicyChange          = "2026-04"
	demoPolicyChangeEffective = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
)

// Sizes of the demo data set.
const (
	ApplicantCount  = 300
	demoRequestDays = 14  // a privacy request is due this many days after it is made
	demoBatchSize   = 100 // rows per INSERT, well under SQLite's and PostgreSQL's variable limits
)

// Seed fills an empty database with a deterministic, realistic demo data
// set and reports whether it did. A database that holds the demo data
// already is left alone; one that holds other data (a policy version a
// start without -demo published, applicants of its own) is refused with
// ErrUsedDatabase, naming what it holds, and left as it is.
//
// The whole data set is written in one transaction under the privacy
// allow decision (the seed is a trusted job): on any failure nothing is
// left behind. Values come from a fixed random seed and fixed dates, so
// every seeded database holds the same data; only the row ids, the
// updated_at stamps, and the times applications reached their final
// status and two jobs closed (days before the seed, so that the grace
// periods of the end of provision, which run on the clock, show every
// case: seedEndsOfProvision) depend on the database and the clock.
func Seed(ctx context.Context, client *ent.Client) (bool, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("starting the demo seed: %w", err)
	}
	seeded, err := seedTx(ctx, tx)
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = errors.Join(err, fmt.Errorf("rolling back the demo seed: %w", rerr))
		}
		return false, err
	}
	if !seeded {
		if err := tx.Rollback(); err != nil {
			return false, fmt.Errorf("ending the demo seed: %w", err)
		}
		return false, nil
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("committing the demo seed: %w", err)
	}
	return true, nil
}

// seedTx writes the demo data set in tx unless it is there already, or
// refuses a database that holds other data.
func seedTx(ctx context.Context, tx *ent.Tx) (bool, error) {
	before, err := seededBefore(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("checking for the demo data: %w", err)
	}
	if before {
		return false, nil
	}
	held, err := heldData(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("checking that the database is empty: %w", err)
	}
	if held != "" {
		return false, fmt.Errorf("%w (it holds %s)", ErrUsedDatabase, held)
	}
	s := &demoSeeder{tx: tx, r: rand.New(rand.NewPCG(1, 2))}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"policy version", s.seedPolicyVersion}, // before applications: applying records consent under it
		{"employers and jobs", s.seedEmployers},
		{"questions", s.seedQuestions},
		{"applicants", s.seedApplicants},
		{"applications", s.seedApplications},
		{"answers", s.seedAnswers},
		{"application statuses", s.seedStatuses},
		{"ends of provision", s.seedEndsOfProvision},
		{"privacy requests", s.seedPrivacyRequests},
		{"consents", s.seedConsents},
		{"policy acknowledgements", s.seedAcknowledgements},
	}
	for _, step := range steps {
		if err := step.run(ctx); err != nil {
			return false, fmt.Errorf("seeding demo %s: %w", step.name, err)
		}
	}
	return true, nil
}

// demoSeeder carries the random source and what earlier steps created to
// later ones. The steps draw from r in a fixed order, and never depend on
// the ids the database hands out, so the values are the same every time.
type demoSeeder struct {
	tx *ent.Tx
	r  *rand.Rand

	employerIDs     []int // in demoEmployers order
	jobs            []seededJob
	people          []*demoPerson // people[i] has account number i+1
	applications    []seededApplication
	policyVersionID int
	policyChangeID  int // the version that changed purposes later (§8)
	ceased          []ceasedProvision
}

// seededJob is a created job and the table entry it came from.
type seededJob struct {
	id        int
	employer  int // index into demoEmployers
	questions []seededQuestion
	spec      *demoJob
}

// seededApplication is a created application and the status it was moved to.
type seededApplication struct {
	id        int
	person    int // index into people
	job       int // index into jobs
	appliedAt time.Time
	answers   []string             // to the job's approved questions, in order
	path      []application.Status // status changes after APPLIED
}

// status is the application's final status.
func (a seededApplication) status() application.Status {
	if len(a.path) == 0 {
		return application.StatusAPPLIED
	}
	return a.path[len(a.path)-1]
}

// ceasedProvision is a completed cease-of-provision request: the subject's
// EMPLOYER_PROVISION consents end at its completion.
type ceasedProvision struct {
	person int
	at     time.Time
}
