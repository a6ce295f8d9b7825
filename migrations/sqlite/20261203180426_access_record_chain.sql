-- Add column "prev_hash" to table: "access_records"
ALTER TABLE `access_records` ADD COLUMN `prev_hash` text NULL;
-- Add column "hash" to table: "access_records"
ALTER TABLE `access_records` ADD COLUMN `hash` text NULL;
