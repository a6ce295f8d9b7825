package demo

import (
	"context"
	"time"

	"consentgate/ent/application"
	"consentgate/ent/job"
)

// ---------------------------------------------------------------------------
// Ends of provision

// finalStatusDaysAgo are the days before the seed at which applications
// reached each final status, given in turn in seed order: on either side
// of the default grace periods (30 days after a rejection or a hire; none
// after a withdrawal), so that every employer has applications whose
// provision has ended, rejections and hires still in their grace period,
// and hires past it, of which it keeps what employment needs.
var finalStatusDaysAgo = map[application.Status][]int{
	application.StatusREJECTED:  {3, 20, 45, 90},
	application.StatusHIRED:     {10, 60, 200},
	application.StatusWITHDRAWN: {1, 40},
}

// seedEndsOfProvision dates the applications' final statuses and closes
// the jobs marked closedDaysAgo, relative to the seed's clock: the end of
// provision counts from those times on the clock, so dates taken from the
// demo's fixed timeline would all lie past every grace period. A final
// status is never dated before its application.
func (s *demoSeeder) seedEndsOfProvision(ctx context.Context) error {
	now := time.Now()
	given := map[application.Status]int{}
	for _, a := range s.applications {
		st := a.status()
		days, ok := finalStatusDaysAgo[st]
		if !ok {
			continue
		}
		at := now.AddDate(0, 0, -days[given[st]%len(days)])
		given[st]++
		if earliest := a.appliedAt.Add(24 * time.Hour); at.Before(earliest) {
			at = earliest
		}
		if err := s.tx.Application.UpdateOneID(a.id).SetStatusChangedAt(at).Exec(ctx); err != nil {
			return err
		}
	}
	for _, j := range s.jobs {
		if j.spec.closedDaysAgo == 0 {
			continue
		}
		if err := s.tx.Job.UpdateOneID(j.id).SetStatus(job.StatusCLOSED).Exec(ctx); err != nil {
			return err
		}
		if err := s.tx.Job.UpdateOneID(j.id).SetClosedAt(now.AddDate(0, 0, -j.spec.closedDaysAgo)).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
