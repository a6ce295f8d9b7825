-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_consents" table
CREATE TABLE `new_consents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `purpose` text NOT NULL, `withheld_category` text NULL, `granted` bool NOT NULL, `source` text NOT NULL, `basis` text NOT NULL DEFAULT ('EXPLICIT'), `recorded_at` datetime NOT NULL, `applicant_id` integer NOT NULL, `application_id` integer NULL, `employer_id` integer NULL, `policy_version_id` integer NOT NULL, CONSTRAINT `consents_applicants_consents` FOREIGN KEY (`applicant_id`) REFERENCES `applicants` (`id`) ON DELETE NO ACTION, CONSTRAINT `consents_applications_consents` FOREIGN KEY (`application_id`) REFERENCES `applications` (`id`) ON DELETE SET NULL, CONSTRAINT `consents_employers_employer` FOREIGN KEY (`employer_id`) REFERENCES `employers` (`id`) ON DELETE SET NULL, CONSTRAINT `consents_policy_versions_policy_version` FOREIGN KEY (`policy_version_id`) REFERENCES `policy_versions` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_consents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_consents", 12884901888);
-- Copy rows from old table "consents" to new temporary table "new_consents"
INSERT INTO `new_consents` (`id`, `purpose`, `withheld_category`, `granted`, `source`, `basis`, `recorded_at`, `applicant_id`, `employer_id`, `policy_version_id`) SELECT `id`, `purpose`, `withheld_category`, `granted`, `source`, `basis`, `recorded_at`, `applicant_id`, `employer_id`, `policy_version_id` FROM `consents`;
-- Drop "consents" table after copying rows
DROP TABLE `consents`;
-- Rename temporary table "new_consents" to "consents"
ALTER TABLE `new_consents` RENAME TO `consents`;
-- Create index "consent_applicant_id_purpose_recorded_at" to table: "consents"
CREATE INDEX `consent_applicant_id_purpose_recorded_at` ON `consents` (`applicant_id`, `purpose`, `recorded_at`);
-- Add column "text" to table: "policy_versions"
ALTER TABLE `policy_versions` ADD COLUMN `text` text NULL;
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
