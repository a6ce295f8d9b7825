package graph

import (
	"context"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/job"
	"consentgate/ent/rule"
	"consentgate/graph/model"
)

// provisions lists, per employer, the provision of the applicant's data
// through the applications of a that the viewer reaches (the row rules
// apply): since the first, until the latest end of provision
// (consent.Policy.EndsAt), and what a hire keeps after it. It shows the
// policy's end of provision; the row rules and the field guard enforce it
// (rule.ProvisionOpen, rule.ProvisionKept).
func (r *Resolver) provisions(ctx context.Context, a *ent.Applicant) ([]*model.Provision, error) {
	e := consent.EngineFrom(ctx)
	if e == nil {
		return nil, ErrNoPolicy
	}
	p, now := e.Policy(), rule.Now(ctx)
	apps, err := a.QueryApplications().WithJob().Order(ent.Asc(application.FieldCreatedAt), ent.Asc(application.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	byEmployer := map[int]*model.Provision{}
	open := map[int]bool{} // an application to the employer has no end yet
	var order []int
	for _, app := range apps {
		j := app.Edges.Job
		if j == nil {
			continue
		}
		pr := byEmployer[j.EmployerID]
		if pr == nil {
			pr = &model.Provision{Since: app.CreatedAt, Keeps: []entconsent.WithheldCategory{}}
			byEmployer[j.EmployerID] = pr
			order = append(order, j.EmployerID)
		}
		finalAt := app.StatusChangedAt // the zero time when unknown: ended, as the row rules have it
		end := consent.ApplicationEnd{Status: consent.FinalState(app.Status), FinalAt: &finalAt}
		if j.Status == job.StatusCLOSED {
			end.JobClosedAt = j.ClosedAt
			if end.JobClosedAt == nil {
				end.JobClosedAt = &time.Time{}
			}
		}
		at, set := p.EndsAt(end)
		switch {
		case !set:
			open[j.EmployerID] = true
		case pr.EndsAt == nil || at.After(*pr.EndsAt):
			pr.EndsAt = &at
		}
		if app.Status == application.StatusHIRED && len(pr.Keeps) == 0 {
			for _, c := range p.EndOfProvision[consent.Hired].Keep {
				pr.Keeps = append(pr.Keeps, entconsent.WithheldCategory(c))
			}
		}
	}
	if len(order) == 0 {
		return []*model.Provision{}, nil
	}
	employers, err := r.clientFrom(ctx).Employer.Query().Where(employer.IDIn(order...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Provision, 0, len(order))
	for _, id := range order {
		pr := byEmployer[id]
		if open[id] {
			pr.EndsAt = nil
		}
		pr.Ended = pr.EndsAt != nil && !now.Before(*pr.EndsAt)
		if k := slices.IndexFunc(employers, func(e *ent.Employer) bool { return e.ID == id }); k >= 0 {
			pr.Employer = employers[k]
			out = append(out, pr)
		}
	}
	return out, nil
}
