package hooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/answer"
	"consentgate/ent/hook"
	"consentgate/ent/privacy"
	"consentgate/ent/question"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
)

// Errors of the question lifecycle.
var (
	// ErrQuestionReplaced: a question already retired by a rewording is
	// reworded again.
	ErrQuestionReplaced = errors.New("the question was already replaced by a rewording")
	// ErrOtherJob: a rewording names a question of another job.
	ErrOtherJob = errors.New("must be a question of the same job")
)

// QuestionLifecycle keeps an employer's questions: asked PENDING by an
// employer account (stamped), in the job's order (a rewording takes the
// place of the question it rewords, which retires at once if it never took
// effect); reviewed once by compliance: APPROVED with a category that
// consent.CheckQuestion allows (the refusal names the rule otherwise), or
// REFUSED with the rule it breaks, stamped with the reviewer and the time;
// an approved rewording retires the question it rewords. A question's text
// never changes (the field is immutable) and an approved one only retires.
func QuestionLifecycle() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.QuestionFunc(func(ctx context.Context, m *ent.QuestionMutation) (ent.Value, error) {
			sys := privacy.DecisionContext(ctx, privacy.Allow)
			now := time.Now()
			if m.Op().Is(ent.OpCreate) {
				if err := askQuestion(ctx, sys, m, now); err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			}
			if !m.Op().Is(ent.OpUpdateOne) {
				return nil, validate.Field("Question.status", fmt.Errorf("%w: one question at a time", ErrTransition))
			}
			to, ok := m.Status()
			if !ok {
				if _, c := m.Category(); c {
					return nil, validate.Field("Question.category", fmt.Errorf("%w: set only on approval", ErrTransition))
				}
				return next.Mutate(ctx, m)
			}
			id, _ := m.ID()
			q, err := m.Client().Question.Get(sys, id)
			if err != nil {
				return nil, err
			}
			switch {
			case q.Status == question.StatusPENDING && to == question.StatusAPPROVED:
				c, set := m.Category()
				if !set {
					return nil, validate.Field("Question.category", errors.New("required to approve a question: its answers are released as it"))
				}
				if err := consent.CheckQuestion(q.Text, consent.Category(c)); err != nil {
					if _, _, screened := consent.ScreenQuestion(q.Text); screened {
						return nil, validate.Field("Question.text", err)
					}
					return nil, validate.Field("Question.category", err)
				}
				stampReview(ctx, m, now)
				v, err := next.Mutate(ctx, m)
				if err != nil || q.ReplacesID == nil {
					return v, err
				}
				// The rewording takes effect: the question it rewords, if in
				// effect, retires.
				old, err := m.Client().Question.Get(sys, *q.ReplacesID)
				if err != nil || old.Status != question.StatusAPPROVED {
					return v, err
				}
				return v, m.Client().Question.UpdateOneID(old.ID).SetStatus(question.StatusRETIRED).Exec(sys)
			case q.Status == question.StatusPENDING && to == question.StatusREFUSED:
				if _, set := m.RefusalRule(); !set {
					return nil, validate.Field("Question.refusalRule", errors.New("required to refuse a question: the rule it breaks"))
				}
				if _, set := m.Category(); set {
					return nil, validate.Field("Question.category", fmt.Errorf("%w: set only on approval", ErrTransition))
				}
				stampReview(ctx, m, now)
			case q.Status != question.StatusRETIRED && to == question.StatusRETIRED:
				m.SetRetiredAt(now)
			default:
				return nil, validate.Field("Question.status", fmt.Errorf("%w: from %s to %s", ErrTransition, q.Status, to))
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// askQuestion stamps a new question: pending, asked by the viewer, placed
// last in its job or in the place of the question it rewords.
func askQuestion(ctx, sys context.Context, m *ent.QuestionMutation, now time.Time) error {
	m.SetStatus(question.StatusPENDING)
	if account := consent.FromContext(ctx).Account; account != "" {
		m.SetAskedBy(account) // a trusted job (the demo seed) names the asker itself
	}
	jobID, _ := m.JobID()
	replaces, rewording := m.ReplacesID()
	if !rewording {
		last, err := m.Client().Question.Query().Where(question.JobID(jobID)).Aggregate(ent.Max(question.FieldPosition)).Int(sys)
		if err != nil {
			// No question yet: the aggregate of nothing.
			last = 0
		}
		m.SetPosition(last + 1)
		return nil
	}
	old, err := m.Client().Question.Get(sys, replaces)
	if err != nil {
		return err
	}
	switch {
	case old.JobID != jobID:
		return validate.Field("Question.replaces", ErrOtherJob)
	case old.Status == question.StatusRETIRED:
		return validate.Field("Question.replaces", ErrQuestionReplaced)
	}
	m.SetPosition(old.Position)
	if old.Status == question.StatusPENDING {
		// It never took effect: the rewording replaces it at once.
		return m.Client().Question.UpdateOneID(old.ID).SetStatus(question.StatusRETIRED).Exec(sys)
	}
	return nil
}

// stampReview records who reviewed the question and when (a trusted job,
// the demo seed, names the reviewer itself).
func stampReview(ctx context.Context, m *ent.QuestionMutation, now time.Time) {
	if account := consent.FromContext(ctx).Account; account != "" {
		m.SetReviewedBy(account)
	}
	m.SetReviewedAt(now)
}

// ValidateAnswer keeps an answer to a question in effect (approved, not
// retired) of its application's job, and gives it the question's category.
func ValidateAnswer() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AnswerFunc(func(ctx context.Context, m *ent.AnswerMutation) (ent.Value, error) {
			sys := privacy.DecisionContext(ctx, privacy.Allow)
			qid, _ := m.QuestionID()
			appID, _ := m.ApplicationID()
			q, err := m.Client().Question.Get(sys, qid)
			if ent.IsNotFound(err) {
				return nil, validate.Field("Answer.question", errors.New("no such question"))
			}
			if err != nil {
				return nil, err
			}
			app, err := m.Client().Application.Get(sys, appID)
			if err != nil {
				return nil, err
			}
			if q.JobID != app.JobID || q.Status != question.StatusAPPROVED || q.Category == nil {
				return nil, validate.Field("Answer.question", errors.New("must be a question in effect (approved) of the job applied to"))
			}
			m.SetCategory(answer.Category(*q.Category))
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// AnswerQuestions answers, for a new application, each of its job's
// questions in effect (approved), once: the answers must name exactly
// those questions. They are written through client as the viewer, so the
// privacy rules decide who may.
func AnswerQuestions(ctx context.Context, client *ent.Client, app *ent.Application, answers []*schematype.AnswerInput) error {
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	inEffect, err := client.Question.Query().Where(question.JobID(app.JobID), question.StatusEQ(question.StatusAPPROVED)).
		Order(ent.Asc(question.FieldPosition), ent.Asc(question.FieldID)).IDs(sys)
	if err != nil {
		return fmt.Errorf("loading the job's questions: %w", err)
	}
	var asked []int
	for _, a := range answers {
		if a != nil {
			asked = append(asked, a.QuestionID)
		}
	}
	sorted := slices.Sorted(slices.Values(asked))
	if !slices.Equal(sorted, slices.Sorted(slices.Values(inEffect))) {
		return validate.Field("Application.answers", fmt.Errorf("must answer each of the job's %d questions in effect, once", len(inEffect)))
	}
	for i, a := range answers {
		if err := validate.MaxLen(5000)(a.Text); err != nil {
			return validate.Field(fmt.Sprintf("Application.answers[%d].text", i), err)
		}
	}
	builders := make([]*ent.AnswerCreate, 0, len(inEffect))
	for _, id := range inEffect {
		a := answers[slices.Index(asked, id)]
		builders = append(builders, client.Answer.Create().SetApplicationID(app.ID).SetQuestionID(id).SetText(a.Text))
	}
	if len(builders) == 0 {
		return nil
	}
	return client.Answer.CreateBulk(builders...).Exec(ctx)
}
