package rule

import (
	"context"
	"errors"
	"fmt"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/answer"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	"consentgate/ent/job"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
	"consentgate/ent/question"
)

// QuestionRows returns the questions v reaches: everyone the questions in
// effect (approved) of published jobs; an employer every question of its
// own jobs, whatever its review; compliance every question (it reviews
// them); an applicant also the questions they answered (a rewording may
// have retired them since).
func QuestionRows(v consent.Viewer) predicate.Question {
	inEffect := question.And(question.StatusEQ(question.StatusAPPROVED), question.HasJobWith(job.StatusEQ(job.StatusPUBLISHED)))
	switch {
	case v.Role == consent.Employer && v.Org != "":
		return question.Or(inEffect, question.HasJobWith(ownJob(v.Org)))
	case v.Role == consent.Compliance && v.Account != "":
		return all[predicate.Question]()
	case v.Role == consent.Applicant && v.Account != "":
		return question.Or(inEffect, question.HasAnswersWith(answer.HasApplicationWith(application.HasApplicantWith(applicant.AccountID(v.Account)))))
	}
	return inEffect
}

// AnswerRows returns the answers v reaches: those of the applications it
// reaches (ApplicationRows).
func AnswerRows(ctx context.Context, v consent.Viewer) predicate.Answer {
	return answer.HasApplicationWith(ApplicationRows(ctx, v))
}

// FilterQuestions limits every question query to QuestionRows.
func FilterQuestions() privacy.QueryRule {
	return privacy.QuestionQueryRuleFunc(func(ctx context.Context, q *ent.QuestionQuery) error {
		q.Where(QuestionRows(consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// FilterAnswers limits every answer query to AnswerRows.
func FilterAnswers() privacy.QueryRule {
	return privacy.AnswerQueryRuleFunc(func(ctx context.Context, q *ent.AnswerQuery) error {
		q.Where(AnswerRows(ctx, consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// AskQuestions lets an employer ask questions on its own jobs, pending
// review: nothing of a review may be set by the asker (hooks.QuestionLifecycle
// stamps the asker and the position).
func AskQuestions() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.QuestionMutationRuleFunc(func(ctx context.Context, m *ent.QuestionMutation) error {
		v := consent.FromContext(ctx)
		id, ok := m.JobID()
		if v.Role != consent.Employer || v.Org == "" || v.Account == "" || !ok {
			return privacy.Skip
		}
		for _, f := range m.Fields() {
			switch f {
			case question.FieldText, question.FieldJobID, question.FieldReplacesID, question.FieldAskedBy, question.FieldPosition,
				question.FieldStatus, question.FieldCreatedAt, question.FieldUpdatedAt:
			default:
				return privacy.Skip
			}
		}
		if s, set := m.Status(); set && s != question.StatusPENDING {
			return privacy.Skip
		}
		own, err := m.Client().Job.Query().Where(job.ID(id), ownJob(v.Org)).Exist(ctx)
		if err != nil {
			return privacy.Denyf("checking the job: %v", err)
		}
		if !own {
			return privacy.Skip
		}
		return privacy.Allow
	}), ent.OpCreate)
}

// ReviewQuestions lets compliance approve or refuse a pending question,
// once: the review's fields are the only change it makes
// (hooks.QuestionLifecycle keeps the rules of approval).
func ReviewQuestions() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.QuestionMutationRuleFunc(func(ctx context.Context, m *ent.QuestionMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Compliance || v.Account == "" || len(m.ClearedFields()) > 0 {
			return privacy.Skip
		}
		s, ok := m.Status()
		if !ok || (s != question.StatusAPPROVED && s != question.StatusREFUSED) {
			return privacy.Skip
		}
		for _, f := range m.Fields() {
			switch f {
			case question.FieldStatus, question.FieldCategory, question.FieldRefusalRule, question.FieldRefusalNote,
				question.FieldReviewedBy, question.FieldReviewedAt, question.FieldUpdatedAt:
			default:
				return privacy.Skip
			}
		}
		id, _ := m.ID()
		askedBy, err := m.Client().Question.Query().Where(question.ID(id)).Select(question.FieldAskedBy).String(ctx)
		if err != nil {
			return err // not found: the error says so
		}
		if askedBy == v.Account {
			return fmt.Errorf("%w: %w", ErrSelfReview, privacy.Deny)
		}
		m.Where(question.StatusEQ(question.StatusPENDING))
		return privacy.Allow
	}), ent.OpUpdateOne)
}

// ErrSelfReview is returned when an account reviews a question it asked:
// a question takes effect only on another account's word.
var ErrSelfReview = errors.New("a question must be reviewed by another account than the one that asked it")

// AnswerOwnApplications lets an applicant answer the questions of their
// own applications (hooks.ValidateAnswer keeps them to the job's questions
// in effect, once each).
func AnswerOwnApplications() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.AnswerMutationRuleFunc(func(ctx context.Context, m *ent.AnswerMutation) error {
		v := consent.FromContext(ctx)
		id, ok := m.ApplicationID()
		if v.Role != consent.Applicant || v.Account == "" || !ok {
			return privacy.Skip
		}
		own, err := m.Client().Application.Query().Where(application.ID(id), application.HasApplicantWith(applicant.AccountID(v.Account))).Exist(ctx)
		if err != nil {
			return privacy.Denyf("checking the application: %v", err)
		}
		if !own {
			return privacy.Skip
		}
		return privacy.Allow
	}), ent.OpCreate)
}
