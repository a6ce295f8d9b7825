-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_applications" table
CREATE TABLE `new_applications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `reason` text NULL, `status` text NOT NULL DEFAULT ('APPLIED'), `status_changed_at` datetime NULL, `applicant_id` integer NOT NULL, `job_id` integer NOT NULL, CONSTRAINT `applications_applicants_applications` FOREIGN KEY (`applicant_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION, CONSTRAINT `applications_jobs_applications` FOREIGN KEY (`job_id`) REFERENCES `jobs` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_applications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_applications", 8589934592);
-- Copy rows from old table "applications" to new temporary table "new_applications"
INSERT INTO `new_applications` (`id`, `created_at`, `updated_at`, `reason`, `status`, `status_changed_at`, `applicant_id`, `job_id`) SELECT `id`, `created_at`, `updated_at`, `reason`, `status`, `status_changed_at`, `applicant_id`, `job_id` FROM `applications`;
-- Drop "applications" table after copying rows
DROP TABLE `applications`;
-- Rename temporary table "new_applications" to "applications"
ALTER TABLE `new_applications` RENAME TO `applications`;
-- Create index "application_applicant_id_job_id" to table: "applications"
CREATE UNIQUE INDEX `application_applicant_id_job_id` ON `applications` (`applicant_id`, `job_id`);
-- Create index "application_job_id_status" to table: "applications"
CREATE INDEX `application_job_id_status` ON `applications` (`job_id`, `status`);
-- Create "new_jobs" table
CREATE TABLE `new_jobs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `description` text NOT NULL, `prefecture` text NOT NULL, `field` text NOT NULL, `employment_type` text NOT NULL, `salary_min` integer NULL, `salary_max` integer NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `closed_at` datetime NULL, `employer_id` integer NOT NULL, CONSTRAINT `jobs_employers_jobs` FOREIGN KEY (`employer_id`) REFERENCES `employers` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_jobs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_jobs", 21474836480);
-- Copy rows from old table "jobs" to new temporary table "new_jobs"
INSERT INTO `new_jobs` (`id`, `created_at`, `updated_at`, `title`, `description`, `prefecture`, `field`, `employment_type`, `salary_min`, `salary_max`, `status`, `employer_id`) SELECT `id`, `created_at`, `updated_at`, `title`, `description`, `prefecture`, `field`, `employment_type`, `salary_min`, `salary_max`, `status`, `employer_id` FROM `jobs`;
-- Drop "jobs" table after copying rows
DROP TABLE `jobs`;
-- Rename temporary table "new_jobs" to "jobs"
ALTER TABLE `new_jobs` RENAME TO `jobs`;
-- Create index "job_status_created_at" to table: "jobs"
CREATE INDEX `job_status_created_at` ON `jobs` (`status`, `created_at`);
-- Create index "job_employer_id" to table: "jobs"
CREATE INDEX `job_employer_id` ON `jobs` (`employer_id`);
-- Create "answers" table
CREATE TABLE `answers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `text` text NOT NULL, `category` text NOT NULL, `application_id` integer NOT NULL, `question_id` integer NOT NULL, CONSTRAINT `answers_applications_answers` FOREIGN KEY (`application_id`) REFERENCES `applications` (`id`) ON DELETE NO ACTION, CONSTRAINT `answers_questions_answers` FOREIGN KEY (`question_id`) REFERENCES `questions` (`id`) ON DELETE NO ACTION);
-- Set sequence for "answers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("answers", 55834574848);
-- Create index "answer_application_id_question_id" to table: "answers"
CREATE UNIQUE INDEX `answer_application_id_question_id` ON `answers` (`application_id`, `question_id`);
-- Create index "answer_question_id" to table: "answers"
CREATE INDEX `answer_question_id` ON `answers` (`question_id`);
-- Create "questions" table
CREATE TABLE `questions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `text` text NOT NULL, `position` integer NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `category` text NULL, `refusal_rule` text NULL, `refusal_note` text NULL, `asked_by` text NOT NULL, `reviewed_by` text NULL, `reviewed_at` datetime NULL, `retired_at` datetime NULL, `job_id` integer NOT NULL, `replaces_id` integer NULL, CONSTRAINT `questions_jobs_questions` FOREIGN KEY (`job_id`) REFERENCES `jobs` (`id`) ON DELETE NO ACTION, CONSTRAINT `questions_questions_rewording` FOREIGN KEY (`replaces_id`) REFERENCES `questions` (`id`) ON DELETE SET NULL);
-- Set sequence for "questions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("questions", 60129542144);
-- Create index "question_job_id_position" to table: "questions"
CREATE INDEX `question_job_id_position` ON `questions` (`job_id`, `position`);
-- Create index "question_status" to table: "questions"
CREATE INDEX `question_status` ON `questions` (`status`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
