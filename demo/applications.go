package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"consentgate/ent"
	"consentgate/ent/application"
	"consentgate/ent/job"
)

// ---------------------------------------------------------------------------
// Applications

// seedApplications writes each applicant's applications to published
// jobs (their answers to every approved question: seedAnswers); the hooks
// make them APPLIED.
func (s *demoSeeder) seedApplications(ctx context.Context) error {
	published := s.publishedJobs()
	var builders []*ent.ApplicationCreate
	for i, p := range s.people {
		jobs, err := s.chooseJobs(i, p, published)
		if err != nil {
			return err
		}
		for _, k := range jobs {
			a := seededApplication{person: i, job: k.job, path: k.path}
			a.appliedAt = between(s.r, p.registeredAt.Add(time.Hour), demoReferenceDay.AddDate(0, 0, -2))
			j := s.jobs[k.job]
			builders = append(builders, s.tx.Application.Create().
				SetApplicantID(p.id).
				SetJobID(j.id).
				SetCreatedAt(a.appliedAt).
				SetReason(s.reason(p, j)))
			a.answers = s.answers(j.spec)
			s.applications = append(s.applications, a)
		}
	}
	created, err := saveInBatches(ctx, builders, func(ctx context.Context, bs []*ent.ApplicationCreate) ([]*ent.Application, error) {
		return s.tx.Application.CreateBulk(bs...).Save(ctx)
	})
	if err != nil {
		return err
	}
	for i, a := range created {
		s.applications[i].id = a.ID
	}
	return nil
}

// jobChoice is a job to apply to and the status changes the application
// goes through.
type jobChoice struct {
	job  int
	path []application.Status
}

// publishedJobs lists the indexes of the jobs open for applications.
func (s *demoSeeder) publishedJobs() []int {
	var out []int
	for i, j := range s.jobs {
		if j.spec.status == job.StatusPUBLISHED {
			out = append(out, i)
		}
	}
	return out
}

// chooseJobs picks 0-3 distinct published jobs for person i, favouring
// their desired field, and where each application ends up. The demo
// applicant's applications are fixed.
func (s *demoSeeder) chooseJobs(i int, p *demoPerson, published []int) ([]jobChoice, error) {
	if i == 0 {
		var out []jobChoice
		for _, d := range demoApplicantApplications {
			k := slices.IndexFunc(s.jobs, func(j seededJob) bool { return j.spec.title == d.title })
			if k < 0 || s.jobs[k].spec.status != job.StatusPUBLISHED {
				return nil, fmt.Errorf("the demo applicant's job %q is not a published demo job", d.title)
			}
			out = append(out, jobChoice{job: k, path: d.path})
		}
		return out, nil
	}
	n := pickWeighted(s.r, applicationCounts, func(c applicationCount) int { return c.weight }).n
	candidates := slices.Clone(published)
	var out []jobChoice
	for range n {
		k := pickWeighted(s.r, candidates, func(k int) int {
			if s.jobs[k].spec.field == p.desiredField {
				return 5
			}
			return 1
		})
		candidates = slices.DeleteFunc(candidates, func(c int) bool { return c == k })
		target := pickWeighted(s.r, statusTargets, func(t statusTarget) int { return t.weight }).status
		out = append(out, jobChoice{job: k, path: statusPath(s.r, target)})
	}
	return out, nil
}

// reason writes the applicant's reason for applying.
func (s *demoSeeder) reason(p *demoPerson, j seededJob) string {
	return fmt.Sprintf(oneOf(s.r, reasonTemplates),
		1+s.r.IntN(8), strings.ToLower(j.spec.field), demoEmployers[j.employer].name, j.spec.title, p.nat.language)
}

// answers answers each of the job's approved questions, in order.
func (s *demoSeeder) answers(j *demoJob) []string {
	var out []string
	for _, q := range j.questions {
		if q.approved() {
			out = append(out, oneOf(s.r, q.answers))
		}
	}
	return out
}

// seedStatuses moves applications along their paths one legal step at a
// time, as the state machine in ent/hooks requires.
func (s *demoSeeder) seedStatuses(ctx context.Context) error {
	for _, a := range s.applications {
		for _, st := range a.path {
			if err := s.tx.Application.UpdateOneID(a.id).SetStatus(st).Exec(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// statusPath returns the status changes that take a new (APPLIED)
// application to target, each one allowed by the state machine.
func statusPath(r *rand.Rand, target application.Status) []application.Status {
	forward := []application.Status{application.StatusSCREENING, application.StatusINTERVIEW, application.StatusOFFER, application.StatusHIRED}
	var path []application.Status
	switch target {
	case application.StatusAPPLIED:
		return nil
	case application.StatusREJECTED, application.StatusWITHDRAWN:
		// Leave at some stage before a decision.
		path = append(slices.Clone(forward[:r.IntN(4)]), target)
	default:
		path = slices.Clone(forward[:slices.Index(forward, target)+1])
	}
	// Some go straight from APPLIED to INTERVIEW.
	if len(path) > 1 && path[1] == application.StatusINTERVIEW && r.IntN(4) == 0 {
		path = path[1:]
	}
	return path
}

// demoApplicantApplications are the demo applicant's applications: two
// live ones at EmployerOrg and a withdrawn one elsewhere.
var demoApplicantApplications = []struct {
	title string
	path  []application.Status
}{
	{"Backend Engineer (Go)", []application.Status{application.StatusSCREENING, application.StatusINTERVIEW}},
	{"QA Engineer (bilingual)", nil},
	{"Delivery Route Planner", []application.Status{application.StatusWITHDRAWN}},
}

// applicationCount is how many applications an applicant makes, weighted.
type applicationCount struct{ n, weight int }

var applicationCounts = []applicationCount{{0, 20}, {1, 35}, {2, 30}, {3, 15}}

// statusTarget is where an application ends up, weighted.
type statusTarget struct {
	status application.Status
	weight int
}

var statusTargets = []statusTarget{
	{application.StatusAPPLIED, 30}, {application.StatusSCREENING, 18}, {application.StatusINTERVIEW, 14},
	{application.StatusOFFER, 5}, {application.StatusHIRED, 6}, {application.StatusREJECTED, 17}, {application.StatusWITHDRAWN, 10},
}

// reasonTemplates take years of experience, the job's field, the
// employer, the job title and the applicant's native language.
var reasonTemplates = []string{
	"I have %[1]d years of experience in %[2]s, and %[3]s is where I want to keep growing in this field.",
	"%[3]s is known for supporting foreign staff, and the %[4]s position matches what I want to do in %[2]s.",
	"I want to build a long-term career in Japan. I have worked in %[2]s for %[1]d years and can contribute quickly.",
	"The %[4]s position lets me use both my Japanese and my %[5]s, and I have %[1]d years of related experience.",
}
