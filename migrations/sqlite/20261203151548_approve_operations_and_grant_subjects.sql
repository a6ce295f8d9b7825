-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_access_grants" table
CREATE TABLE `new_access_grants` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `subject_id` integer NOT NULL, `basis` text NOT NULL, `reference` text NOT NULL, `justification` text NOT NULL, `requested_by` text NOT NULL, `requested_at` datetime NOT NULL, `approved_by` text NULL, `approved_at` datetime NULL, `expires_at` datetime NULL, `revoked_by` text NULL, `revoked_at` datetime NULL, `revocation_reason` text NULL);
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
-- Create "new_operations" table
CREATE TABLE `new_operations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `hash` text NOT NULL, `name` text NOT NULL, `purpose` text NOT NULL, `description` text NULL, `document` text NOT NULL, `approved_by` text NULL, `approved_at` datetime NULL, `registered_by` text NOT NULL, `registered_at` datetime NOT NULL, `revoked_at` datetime NULL, `revoked_by` text NULL, `revocation_reason` text NULL);
-- Set sequence for "new_operations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_operations", 34359738368);
-- Copy rows from old table "operations" to new temporary table "new_operations"
INSERT INTO `new_operations` (`id`, `hash`, `name`, `purpose`, `description`, `document`, `approved_by`, `registered_by`, `registered_at`, `revoked_at`, `revoked_by`, `revocation_reason`) SELECT `id`, `hash`, `name`, `purpose`, `description`, `document`, `approved_by`, `registered_by`, `registered_at`, `revoked_at`, `revoked_by`, `revocation_reason` FROM `operations`;
-- Drop "operations" table after copying rows
DROP TABLE `operations`;
-- Rename temporary table "new_operations" to "operations"
ALTER TABLE `new_operations` RENAME TO `operations`;
-- Create index "operations_hash_key" to table: "operations"
CREATE UNIQUE INDEX `operations_hash_key` ON `operations` (`hash`);
-- Create index "operation_name" to table: "operations"
CREATE UNIQUE INDEX `operation_name` ON `operations` (`name`) WHERE revoked_at IS NULL;
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
