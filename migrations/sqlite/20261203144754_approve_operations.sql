-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
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
