package demo

import (
	"context"
	"time"

	"consentgate/ent"
	"consentgate/ent/question"
)

// ---------------------------------------------------------------------------
// Questions and answers

// demoRewordDay is when the employers' reworded questions took effect:
// those who applied before it answered the earlier wording, and their
// answers stay with it.
var demoRewordDay = time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)

// demoReviewer is the compliance account that reviewed the demo's
// questions (another account than any employer's).
const demoReviewer = "compliance-1"

// seededQuestion is a created question: the wording in effect (or pending,
// or refused) and, for a rewording, the earlier wording it replaced.
type seededQuestion struct {
	id, earlier int
	spec        *demoQuestion
}

// seedQuestions asks each job's questions as its employer's recruiter and
// reviews them as compliance: approved with their category, refused with
// the rule they break, or left pending; a rewording's earlier wording is
// approved now, the rewording itself once the earlier answers are in
// (seedAnswers).
func (s *demoSeeder) seedQuestions(ctx context.Context) error {
	asked := demoLaunch.AddDate(0, 0, -7)
	for k := range s.jobs {
		j := &s.jobs[k]
		asker := "recruiter-" + demoEmployers[j.employer].externalID + "-1"
		ask := func(text string, replaces int) (int, error) {
			c := s.tx.Question.Create().SetJobID(j.id).SetText(text).SetAskedBy(asker).SetCreatedAt(asked).SetUpdatedAt(asked)
			if replaces != 0 {
				c.SetReplacesID(replaces)
			}
			q, err := c.Save(ctx)
			if err != nil {
				return 0, err
			}
			return q.ID, nil
		}
		for qi := range j.spec.questions {
			spec := &j.spec.questions[qi]
			sq := seededQuestion{spec: spec}
			var err error
			if spec.rewords != "" {
				if sq.earlier, err = ask(spec.rewords, 0); err != nil {
					return err
				}
				if err := s.approve(ctx, sq.earlier, spec); err != nil {
					return err
				}
				if sq.id, err = ask(spec.text, sq.earlier); err != nil {
					return err
				}
				j.questions = append(j.questions, sq)
				continue
			}
			if sq.id, err = ask(spec.text, 0); err != nil {
				return err
			}
			switch {
			case spec.approved():
				err = s.approve(ctx, sq.id, spec)
			case spec.refused != "":
				err = s.tx.Question.UpdateOneID(sq.id).SetStatus(question.StatusREFUSED).SetRefusalRule(question.RefusalRule(spec.refused)).
					SetRefusalNote(spec.note).SetReviewedBy(demoReviewer).Exec(ctx)
			}
			if err != nil {
				return err
			}
			j.questions = append(j.questions, sq)
		}
	}
	return nil
}

// approve approves question id as compliance with spec's category.
func (s *demoSeeder) approve(ctx context.Context, id int, spec *demoQuestion) error {
	return s.tx.Question.UpdateOneID(id).SetStatus(question.StatusAPPROVED).SetCategory(question.Category(spec.category)).
		SetReviewedBy(demoReviewer).Exec(ctx)
}

// seedAnswers writes each application's answers to its job's approved
// questions: to a rewording's earlier wording for those who applied before
// demoRewordDay; then approves the rewordings (which retires the earlier
// wordings) and writes the later applications' answers to them.
func (s *demoSeeder) seedAnswers(ctx context.Context) error {
	var early, late []*ent.AnswerCreate
	for _, a := range s.applications {
		j := s.jobs[a.job]
		k := 0
		for _, q := range j.questions {
			if !q.spec.approved() {
				continue
			}
			text := a.answers[k]
			k++
			b := s.tx.Answer.Create().SetApplicationID(a.id).SetText(text)
			switch {
			case q.earlier == 0:
				early = append(early, b.SetQuestionID(q.id))
			case a.appliedAt.Before(demoRewordDay):
				early = append(early, b.SetQuestionID(q.earlier))
			default:
				late = append(late, b.SetQuestionID(q.id))
			}
		}
	}
	save := func(ctx context.Context, bs []*ent.AnswerCreate) ([]*ent.Answer, error) {
		return s.tx.Answer.CreateBulk(bs...).Save(ctx)
	}
	if _, err := saveInBatches(ctx, early, save); err != nil {
		return err
	}
	for _, j := range s.jobs {
		for _, q := range j.questions {
			if q.earlier != 0 {
				if err := s.approve(ctx, q.id, q.spec); err != nil {
					return err
				}
			}
		}
	}
	_, err := saveInBatches(ctx, late, save)
	return err
}
