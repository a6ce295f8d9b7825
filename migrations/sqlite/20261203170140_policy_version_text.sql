-- Add column "text" to table: "policy_versions"
ALTER TABLE `policy_versions` ADD COLUMN `text` text NULL;
