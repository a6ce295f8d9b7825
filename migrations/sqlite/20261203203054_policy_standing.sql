-- Add column "applies_from" to table: "consent_states"
ALTER TABLE `consent_states` ADD COLUMN `applies_from` datetime NULL;
-- Add column "void_from" to table: "consent_states"
ALTER TABLE `consent_states` ADD COLUMN `void_from` datetime NULL;
-- Add column "added_purposes" to table: "policy_versions"
ALTER TABLE `policy_versions` ADD COLUMN `added_purposes` json NULL;
-- Add column "effective_at" to table: "consents"
ALTER TABLE `consents` ADD COLUMN `effective_at` datetime NULL;
