package hooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/job"
	"consentgate/ent/schema/validate"
)

// ValidateJob checks a job's salary range (its questions are entities of
// their own: QuestionLifecycle).
func ValidateJob() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.JobFunc(func(ctx context.Context, m *ent.JobMutation) (ent.Value, error) {
			lo, hasLo := m.SalaryMin()
			hi, hasHi := m.SalaryMax()
			if m.Op().Is(ent.OpUpdateOne) {
				if !hasLo {
					lo, _ = m.OldSalaryMin(ctx)
				}
				if !hasHi {
					hi, _ = m.OldSalaryMax(ctx)
				}
			}
			if lo > 0 && hi > 0 && hi < lo {
				return nil, validate.Field("Job.salaryMax", errors.New("must not be below salaryMin"))
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// JobStatus stamps the time a job closes and keeps it closed: the end of
// provision of its applications counts from that time (policy
// endOfProvision.JOB_CLOSED), so a job reopened, or closed anew, would give
// its employer back applicants whose provision had ended. A job's status
// changes one job at a time.
func JobStatus() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.JobFunc(func(ctx context.Context, m *ent.JobMutation) (ent.Value, error) {
			to, ok := m.Status()
			if !ok {
				return next.Mutate(ctx, m)
			}
			switch {
			case m.Op().Is(ent.OpCreate):
				if _, set := m.ClosedAt(); to == job.StatusCLOSED && !set {
					m.SetClosedAt(time.Now())
				}
			case m.Op().Is(ent.OpUpdateOne):
				from, err := m.OldStatus(ctx)
				if err != nil {
					return nil, err
				}
				if from == job.StatusCLOSED && to != job.StatusCLOSED {
					return nil, validate.Field("Job.status", fmt.Errorf("%w: a closed job stays closed", ErrTransition))
				}
				if from != job.StatusCLOSED && to == job.StatusCLOSED {
					m.SetClosedAt(time.Now())
				}
			default:
				return nil, validate.Field("Job.status", fmt.Errorf("%w: one job at a time", ErrTransition))
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}
