-- Modify "operations" table
ALTER TABLE "operations" ALTER COLUMN "approved_by" DROP NOT NULL, ADD COLUMN "approved_at" timestamptz NULL;
