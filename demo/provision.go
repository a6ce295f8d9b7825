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

// DashboardJob is the demo employer's job whose page the dashboard
// benchmarks read (BenchmarkDashboardHTTP, and ../shared/peers/side-by-side,
// which looks for the job with exactly 50 applications the recruiter
// reaches): one of its rejections is past its grace period and the others
// within it, which leaves the recruiter 50 (a hire past its grace period
// is still reached, for what employment keeps).
const DashboardJob = "Backend Engineer (Go)"

// seedEndsOfProvision dates the applications' final statuses and closes
// the jobs marked closedDaysAgo, relative to the seed's clock: the end of
// provision counts from those times on the clock, so dates taken from the
// demo's fixed timeline would all lie past every grace period. A final
// status is never dated before its application.
func (s *demoSeeder) seedEndsOfProvision(ctx context.Context) error {
	now := time.Now()
	given := map[application.Status]int{}
	dashboardRejections := 0
	for _, a := range s.applications {
		st := a.status()
		days, ok := finalStatusDaysAgo[st]
		if !ok {
			continue
		}
		d := days[given[st]%len(days)]
		given[st]++
		if j := s.jobs[a.job]; j.employer == 0 && j.spec.title == DashboardJob && st == application.StatusREJECTED {
			d = days[0] // within the grace period
			if dashboardRejections == 0 {
				d = days[len(days)-1] // but one, past it
			}
			dashboardRejections++
		}
		at := now.AddDate(0, 0, -d)
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
