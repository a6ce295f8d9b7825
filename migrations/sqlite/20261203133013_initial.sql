-- Create "access_grants" table
CREATE TABLE `access_grants` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `basis` text NOT NULL, `reference` text NOT NULL, `justification` text NOT NULL, `requested_by` text NOT NULL, `requested_at` datetime NOT NULL, `approved_by` text NULL, `approved_at` datetime NULL, `expires_at` datetime NULL, `revoked_by` text NULL, `revoked_at` datetime NULL, `revocation_reason` text NULL, `subject_id` integer NOT NULL, CONSTRAINT `access_grants_applicants_subject` FOREIGN KEY (`subject_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION);
-- Set sequence for "access_grants" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("access_grants", 38654705664);
-- Create index "accessgrant_requested_by_expires_at" to table: "access_grants"
CREATE INDEX `accessgrant_requested_by_expires_at` ON `access_grants` (`requested_by`, `expires_at`);
-- Create index "accessgrant_subject_id" to table: "access_grants"
CREATE INDEX `accessgrant_subject_id` ON `access_grants` (`subject_id`);
-- Create "access_records" table
CREATE TABLE `access_records` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `request_id` text NOT NULL, `viewer_account` text NOT NULL, `viewer_role` text NOT NULL, `viewer_org` text NULL, `purpose` text NULL, `subject_id` integer NULL, `subject_ref` text NOT NULL, `categories` json NOT NULL, `decision` text NOT NULL, `legal_basis` text NULL, `policy_version` text NULL);
-- Create index "accessrecord_subject_id_at" to table: "access_records"
CREATE INDEX `accessrecord_subject_id_at` ON `access_records` (`subject_id`, `at`);
-- Create index "accessrecord_at" to table: "access_records"
CREATE INDEX `accessrecord_at` ON `access_records` (`at`);
-- Create "applicants" table
CREATE TABLE `applicants` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `account_id` text NOT NULL, `erased_at` datetime NULL, `name` text NOT NULL, `name_kana` text NULL, `birth_date` datetime NULL, `sex` text NULL, `prefecture` text NULL, `city` text NULL, `street` text NULL, `building` text NULL, `postal_code` text NULL, `phone` text NULL, `email` text NOT NULL, `occupation` text NULL, `workplace_name` text NULL, `workplace_department` text NULL, `workplace_address` text NULL, `workplace_phone` text NULL, `visa_status` text NULL, `visa_expires_on` datetime NULL, `education_level` text NULL, `academic_background` text NULL, `school_name` text NULL, `graduated_on` datetime NULL, `work_history` json NULL, `qualifications` json NULL, `skills` json NULL, `favorite_subject` text NULL, `selling_point` text NULL, `achievements` text NULL, `tools` json NULL, `theses_and_patents` text NULL, `dependents` integer NULL, `has_spouse` bool NULL, `spouse_occupation` text NULL, `emergency_contacts` json NULL, `dwelling_type` text NULL, `rent` integer NULL, `desired_field` text NULL, `desired_workplace` text NULL, `last_ip` text NULL);
-- Set sequence for "applicants" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("applicants", 4294967296);
-- Create index "applicants_account_id_key" to table: "applicants"
CREATE UNIQUE INDEX `applicants_account_id_key` ON `applicants` (`account_id`);
-- Create index "applicant_created_at" to table: "applicants"
CREATE INDEX `applicant_created_at` ON `applicants` (`created_at`);
-- Create "applications" table
CREATE TABLE `applications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `reason` text NULL, `answers` json NULL, `status` text NOT NULL DEFAULT ('APPLIED'), `status_changed_at` datetime NULL, `applicant_id` integer NOT NULL, `job_id` integer NOT NULL, CONSTRAINT `applications_applicants_applications` FOREIGN KEY (`applicant_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION, CONSTRAINT `applications_jobs_applications` FOREIGN KEY (`job_id`) REFERENCES `jobs` (`id`) ON DELETE NO ACTION);
-- Set sequence for "applications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("applications", 8589934592);
-- Create index "application_applicant_id_job_id" to table: "applications"
CREATE UNIQUE INDEX `application_applicant_id_job_id` ON `applications` (`applicant_id`, `job_id`);
-- Create index "application_job_id_status" to table: "applications"
CREATE INDEX `application_job_id_status` ON `applications` (`job_id`, `status`);
-- Create "budget_spends" table
CREATE TABLE `budget_spends` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `account` text NOT NULL, `purpose` text NOT NULL, `epsilon` real NOT NULL, `spent_at` datetime NOT NULL, `request_id` text NULL);
-- Set sequence for "budget_spends" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("budget_spends", 42949672960);
-- Create index "budgetspend_account_spent_at" to table: "budget_spends"
CREATE INDEX `budgetspend_account_spent_at` ON `budget_spends` (`account`, `spent_at`);
-- Create "consents" table
CREATE TABLE `consents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `purpose` text NOT NULL, `withheld_category` text NULL, `granted` bool NOT NULL, `source` text NOT NULL, `basis` text NOT NULL DEFAULT ('EXPLICIT'), `recorded_at` datetime NOT NULL, `applicant_id` integer NOT NULL, `employer_id` integer NULL, `policy_version_id` integer NOT NULL, CONSTRAINT `consents_applicants_consents` FOREIGN KEY (`applicant_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION, CONSTRAINT `consents_employers_employer` FOREIGN KEY (`employer_id`) REFERENCES `employers` (`id`) ON DELETE SET NULL, CONSTRAINT `consents_policy_versions_policy_version` FOREIGN KEY (`policy_version_id`) REFERENCES `policy_versions` (`id`) ON DELETE NO ACTION);
-- Set sequence for "consents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("consents", 12884901888);
-- Create index "consent_applicant_id_purpose_recorded_at" to table: "consents"
CREATE INDEX `consent_applicant_id_purpose_recorded_at` ON `consents` (`applicant_id`, `purpose`, `recorded_at`);
-- Create "consent_states" table
CREATE TABLE `consent_states` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `purpose` text NOT NULL, `recipient_id` integer NOT NULL DEFAULT (0), `category` text NOT NULL DEFAULT (''), `granted` bool NOT NULL, `consent_id` integer NOT NULL, `applicant_id` integer NOT NULL, CONSTRAINT `consent_states_consents_state` FOREIGN KEY (`consent_id`) REFERENCES `consents` (`id`) ON DELETE NO ACTION, CONSTRAINT `consent_states_applicants_applicant` FOREIGN KEY (`applicant_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION);
-- Set sequence for "consent_states" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("consent_states", 51539607552);
-- Create index "consent_states_consent_id_key" to table: "consent_states"
CREATE UNIQUE INDEX `consent_states_consent_id_key` ON `consent_states` (`consent_id`);
-- Create index "consentstate_applicant_id_purpose_category_recipient_id" to table: "consent_states"
CREATE UNIQUE INDEX `consentstate_applicant_id_purpose_category_recipient_id` ON `consent_states` (`applicant_id`, `purpose`, `category`, `recipient_id`);
-- Create "employers" table
CREATE TABLE `employers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `external_id` text NOT NULL, `name` text NOT NULL, `prefecture` text NULL, `description` text NULL);
-- Set sequence for "employers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("employers", 17179869184);
-- Create index "employers_external_id_key" to table: "employers"
CREATE UNIQUE INDEX `employers_external_id_key` ON `employers` (`external_id`);
-- Create "jobs" table
CREATE TABLE `jobs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `description` text NOT NULL, `prefecture` text NOT NULL, `field` text NOT NULL, `employment_type` text NOT NULL, `salary_min` integer NULL, `salary_max` integer NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `questions` json NULL, `employer_id` integer NOT NULL, CONSTRAINT `jobs_employers_jobs` FOREIGN KEY (`employer_id`) REFERENCES `employers` (`id`) ON DELETE NO ACTION);
-- Set sequence for "jobs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("jobs", 21474836480);
-- Create index "job_status_created_at" to table: "jobs"
CREATE INDEX `job_status_created_at` ON `jobs` (`status`, `created_at`);
-- Create index "job_employer_id" to table: "jobs"
CREATE INDEX `job_employer_id` ON `jobs` (`employer_id`);
-- Create "operations" table
CREATE TABLE `operations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `hash` text NOT NULL, `name` text NOT NULL, `purpose` text NOT NULL, `description` text NULL, `document` text NOT NULL, `approved_by` text NOT NULL, `registered_by` text NOT NULL, `registered_at` datetime NOT NULL, `revoked_at` datetime NULL, `revoked_by` text NULL, `revocation_reason` text NULL);
-- Set sequence for "operations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("operations", 34359738368);
-- Create index "operations_hash_key" to table: "operations"
CREATE UNIQUE INDEX `operations_hash_key` ON `operations` (`hash`);
-- Create index "operation_name" to table: "operations"
CREATE UNIQUE INDEX `operation_name` ON `operations` (`name`) WHERE revoked_at IS NULL;
-- Create "policy_acknowledgements" table
CREATE TABLE `policy_acknowledgements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `acknowledged_at` datetime NOT NULL, `applicant_id` integer NOT NULL, `policy_version_id` integer NOT NULL, CONSTRAINT `policy_acknowledgements_applicants_applicant` FOREIGN KEY (`applicant_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION, CONSTRAINT `policy_acknowledgements_policy_versions_policy_version` FOREIGN KEY (`policy_version_id`) REFERENCES `policy_versions` (`id`) ON DELETE NO ACTION);
-- Set sequence for "policy_acknowledgements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("policy_acknowledgements", 47244640256);
-- Create index "policyacknowledgement_applicant_id_policy_version_id" to table: "policy_acknowledgements"
CREATE UNIQUE INDEX `policyacknowledgement_applicant_id_policy_version_id` ON `policy_acknowledgements` (`applicant_id`, `policy_version_id`);
-- Create "policy_versions" table
CREATE TABLE `policy_versions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `version` text NOT NULL, `effective_at` datetime NOT NULL, `summary` text NULL, `text_digest` text NOT NULL, `changed_purposes` json NULL, `published_at` datetime NOT NULL, `published_by` text NULL);
-- Set sequence for "policy_versions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("policy_versions", 25769803776);
-- Create index "policy_versions_version_key" to table: "policy_versions"
CREATE UNIQUE INDEX `policy_versions_version_key` ON `policy_versions` (`version`);
-- Create "privacy_requests" table
CREATE TABLE `privacy_requests` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('RECEIVED'), `due_at` datetime NOT NULL, `completed_at` datetime NULL, `handler` text NULL, `rejection_reason` text NULL, `proposed_changes` json NULL, `result` json NULL, `applicant_id` integer NOT NULL, CONSTRAINT `privacy_requests_applicants_privacy_requests` FOREIGN KEY (`applicant_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION);
-- Set sequence for "privacy_requests" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("privacy_requests", 30064771072);
