-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_budget_spends" table
CREATE TABLE `new_budget_spends` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `account` text NOT NULL, `purpose` text NOT NULL, `epsilon` real NOT NULL, `spent_at` datetime NOT NULL, `request_id` text NULL, `operation` text NULL);
-- Set sequence for "new_budget_spends" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_budget_spends", 42949672960);
-- Copy rows from old table "budget_spends" to new temporary table "new_budget_spends"
INSERT INTO `new_budget_spends` (`id`, `account`, `purpose`, `epsilon`, `spent_at`, `request_id`) SELECT `id`, `account`, `purpose`, `epsilon`, `spent_at`, `request_id` FROM `budget_spends`;
-- Drop "budget_spends" table after copying rows
DROP TABLE `budget_spends`;
-- Rename temporary table "new_budget_spends" to "budget_spends"
ALTER TABLE `new_budget_spends` RENAME TO `budget_spends`;
-- Create index "budgetspend_account_spent_at" to table: "budget_spends"
CREATE INDEX `budgetspend_account_spent_at` ON `budget_spends` (`account`, `spent_at`);
-- Create index "budgetspend_operation_spent_at" to table: "budget_spends"
CREATE INDEX `budgetspend_operation_spent_at` ON `budget_spends` (`operation`, `spent_at`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
