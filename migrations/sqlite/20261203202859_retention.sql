-- Create "retention_actions" table
CREATE TABLE `retention_actions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `run` text NOT NULL, `replica` text NOT NULL, `kind` text NOT NULL, `rule` text NOT NULL, `target_id` integer NULL, `count` integer NOT NULL, `through_id` integer NULL, `through_hash` text NULL);
-- Set sequence for "retention_actions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("retention_actions", 68719476736);
-- Create index "retentionaction_kind_through_id" to table: "retention_actions"
CREATE INDEX `retentionaction_kind_through_id` ON `retention_actions` (`kind`, `through_id`);
-- Create index "retentionaction_at" to table: "retention_actions"
CREATE INDEX `retentionaction_at` ON `retention_actions` (`at`);
