package schema

import (
	"entgo.io/ent"

	"consentgate/ent/hook"
	"consentgate/ent/hooks"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
	"consentgate/ledger"
	"consentgate/requests"
)

// Row rules, write rules, hooks and interceptors of each entity, beside the
// schema they guard. Writes not allowed by a rule are denied; the seed and
// other trusted jobs run with privacy.DecisionContext(ctx, privacy.Allow).

// Policy of the Applicant.
func (Applicant) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterApplicants()},
		Mutation: privacy.MutationPolicy{rule.CreateOwnProfile(), rule.UpdateOwnProfile(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the Applicant.
func (Applicant) Hooks() []ent.Hook { return []ent.Hook{hooks.ValidateApplicant()} }

// Policy of the Application.
func (Application) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{rule.FilterApplications()},
		Mutation: privacy.MutationPolicy{
			rule.ApplyAsSelf(), rule.WithdrawOwnApplication(), rule.MoveOwnJobsApplications(),
			privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the Application.
func (Application) Hooks() []ent.Hook {
	return []ent.Hook{hooks.ValidateApplication(), hooks.ApplicationStatus(), hooks.ProvisionConsent()}
}

// Policy of the Job.
func (Job) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterJobs()},
		Mutation: privacy.MutationPolicy{rule.CreateOwnJobs(), rule.UpdateOwnJobs(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the Job.
func (Job) Hooks() []ent.Hook { return []ent.Hook{hooks.ValidateJob(), hooks.JobStatus()} }

// Policy of the Question: employers ask questions on their own jobs;
// compliance reviews them (hooks.QuestionLifecycle keeps the rules).
func (Question) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterQuestions()},
		Mutation: privacy.MutationPolicy{rule.AskQuestions(), rule.ReviewQuestions(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the Question.
func (Question) Hooks() []ent.Hook { return []ent.Hook{hooks.QuestionLifecycle()} }

// Policy of the Answer: an applicant answers for their own applications;
// answers are read with the applications they belong to. Nobody changes
// one; erasure removes them.
func (Answer) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterAnswers()},
		Mutation: privacy.MutationPolicy{rule.AnswerOwnApplications(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the Answer.
func (Answer) Hooks() []ent.Hook { return []ent.Hook{hooks.ValidateAnswer()} }

// Policy of the Employer: organisations are public; they are written only
// by trusted jobs.
func (Employer) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Policy of the PolicyVersion: published versions are public; admins
// publish new ones; none changes.
func (PolicyVersion) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{rule.PublishPolicyVersions(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the PolicyVersion.
func (PolicyVersion) Hooks() []ent.Hook {
	return []ent.Hook{hooks.ValidatePolicyVersion(), ledger.VoidOnPublish()}
}

// Policy of the PolicyAcknowledgement: an applicant acknowledges for
// themself and reads their own; compliance reads all.
func (PolicyAcknowledgement) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterPolicyAcknowledgements()},
		Mutation: privacy.MutationPolicy{rule.AcknowledgeAsSelf(), privacy.AlwaysDenyRule()},
	}
}

// Policy of the Consent: the ledger is append-only; an applicant records
// their own changes, the system the changes applying or requests make.
func (Consent) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterConsents()},
		Mutation: privacy.MutationPolicy{rule.RecordOwnConsent(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the Consent: stamped, then its state line kept in step, in the
// append's own transaction.
func (Consent) Hooks() []ent.Hook { return []ent.Hook{hooks.StampConsent(), ledger.Maintain()} }

// Policy of the ConsentState: read and written only by the enforcement
// layer (row rules, the field guard, ledger.Apply), under a system
// decision; no viewer reaches it directly.
func (ConsentState) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Policy of the PrivacyRequest: applicants file their own; support and
// compliance handle the ones they reach.
func (PrivacyRequest) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterPrivacyRequests()},
		Mutation: privacy.MutationPolicy{rule.FileOwnRequest(), rule.HandleRequests(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the PrivacyRequest: the state machine, then what completing a
// request does (policy §6(2)), in the same transaction.
func (PrivacyRequest) Hooks() []ent.Hook {
	return []ent.Hook{hooks.ProposedChanges(), hooks.RequestStatus(), hooks.RequestEffects(requests.Complete)}
}

// Hooks of the AccessRecord: no record is changed or removed, except its
// subject cleared by the subject's erasure.
func (AccessRecord) Hooks() []ent.Hook { return []ent.Hook{hooks.AppendOnlyRecords()} }

// Policy of the AccessRecord.
func (AccessRecord) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterAccessRecords()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Hooks of the SealedSubject: insert-only, removed once past purge_after.
func (SealedSubject) Hooks() []ent.Hook { return []ent.Hook{hooks.SealedInsertOnly()} }

// Policy of the SealedSubject: read only by a compliance account through a
// live access grant of its own naming the subject's pseudonym; written
// only by the erasure (a system decision).
func (SealedSubject) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterSealedSubjects()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Policy of the BudgetSpend: a viewer reads and spends only their own
// budget; compliance reads every spend; nobody changes or removes one.
func (BudgetSpend) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterBudgetSpends()},
		Mutation: privacy.MutationPolicy{rule.SpendOwnBudget(), privacy.AlwaysDenyRule()},
	}
}

// Policy of the AccessGrant: only compliance reads grants and writes them.
// A grant is opened as a request, approved once by a second compliance
// account, revoked once by any; nothing else changes one, and none is
// deleted (hooks.AccessGrantLifecycle keeps the states).
func (AccessGrant) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{rule.FilterAccessGrants()},
		Mutation: privacy.MutationPolicy{
			rule.RequestAccessGrant(), rule.ApproveAccessGrant(), rule.RevokeAccessGrant(),
			privacy.AlwaysDenyRule(),
		},
	}
}

// Hooks of the AccessGrant.
func (AccessGrant) Hooks() []ent.Hook { return []ent.Hook{hooks.AccessGrantLifecycle()} }

// Policy of the Operation: admins register operations, a second admin
// approves each, and admins revoke them (never delete or otherwise change
// them); admins and compliance read them all, analysts and marketing the
// ones they may run (approved, unrevoked, under their purposes).
func (Operation) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterOperations()},
		Mutation: privacy.MutationPolicy{rule.RegisterOperations(), rule.ApproveOperations(), rule.RevokeOperations(), privacy.AlwaysDenyRule()},
	}
}

// Hooks of the Operation.
func (Operation) Hooks() []ent.Hook { return []ent.Hook{hooks.StampOperation()} }

// Policy of the RetentionAction: written and read by the retention sweeper
// and records.Verify only, as trusted jobs (privacy.DecisionContext).
func (RetentionAction) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Hooks of the RetentionAction: what was swept stays recorded; nothing
// changes or removes a line.
func (RetentionAction) Hooks() []ent.Hook {
	return []ent.Hook{hook.Reject(ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)}
}
