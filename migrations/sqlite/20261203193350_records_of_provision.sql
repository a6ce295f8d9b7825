-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Add column "recipient_name" to table: "access_records"
ALTER TABLE `access_records` ADD COLUMN `recipient_name` text NULL;
-- Add column "consent_id" to table: "access_records"
ALTER TABLE `access_records` ADD COLUMN `consent_id` integer NULL;
-- Add column "grant_id" to table: "access_records"
ALTER TABLE `access_records` ADD COLUMN `grant_id` integer NULL;
-- Create index "accessrecord_subject_ref_at" to table: "access_records"
CREATE INDEX `accessrecord_subject_ref_at` ON `access_records` (`subject_ref`, `at`);
-- Add column "legal_name" to table: "employers"
ALTER TABLE `employers` ADD COLUMN `legal_name` text NULL;
-- Create "new_access_grants" table
CREATE TABLE `new_access_grants` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `subject_id` integer NULL, `subject_ref` text NULL, `basis` text NOT NULL, `reference` text NOT NULL, `justification` text NOT NULL, `requested_by` text NOT NULL, `requested_at` datetime NOT NULL, `approved_by` text NULL, `approved_at` datetime NULL, `expires_at` datetime NULL, `revoked_by` text NULL, `revoked_at` datetime NULL, `revocation_reason` text NULL);
-- Set sequence for "new_access_grants" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_access_grants", 38654705664);
-- Copy rows from old table "access_grants" to new temporary table "new_access_grants"
INSERT INTO `new_access_grants` (`id`, `subject_id`, `basis`, `reference`, `justification`, `requested_by`, `requested_at`, `approved_by`, `approved_at`, `expires_at`, `revoked_by`, `revoked_at`, `revocation_reason`) SELECT `id`, `subject_id`, `basis`, `reference`, `justification`, `requested_by`, `requested_at`, `approved_by`, `approved_at`, `expires_at`, `revoked_by`, `revoked_at`, `revocation_reason` FROM `access_grants`;
-- Drop "access_grants" table after copying rows
DROP TABLE `access_grants`;
-- Rename temporary table "new_access_grants" to "access_grants"
ALTER TABLE `new_access_grants` RENAME TO `access_grants`;
-- Create index "accessgrant_requested_by_expires_at" to table: "access_grants"
CREATE INDEX `accessgrant_requested_by_expires_at` ON `access_grants` (`requested_by`, `expires_at`);
-- Create index "accessgrant_subject_id" to table: "access_grants"
CREATE INDEX `accessgrant_subject_id` ON `access_grants` (`subject_id`);
-- Create index "accessgrant_subject_ref" to table: "access_grants"
CREATE INDEX `accessgrant_subject_ref` ON `access_grants` (`subject_ref`);
-- Create "sealed_subjects" table
CREATE TABLE `sealed_subjects` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `subject_ref` text NOT NULL, `sealed` blob NOT NULL, `sealed_at` datetime NOT NULL, `purge_after` datetime NOT NULL);
-- Set sequence for "sealed_subjects" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sealed_subjects", 64424509440);
-- Create index "sealed_subjects_subject_ref_key" to table: "sealed_subjects"
CREATE UNIQUE INDEX `sealed_subjects_subject_ref_key` ON `sealed_subjects` (`subject_ref`);
-- Create index "sealedsubject_purge_after" to table: "sealed_subjects"
CREATE INDEX `sealedsubject_purge_after` ON `sealed_subjects` (`purge_after`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
