-- Modify "access_records" table
ALTER TABLE "access_records" ADD COLUMN "prev_hash" character varying NULL, ADD COLUMN "hash" character varying NULL;
