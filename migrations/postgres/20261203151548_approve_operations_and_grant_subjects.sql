-- Modify "access_grants" table
ALTER TABLE "access_grants" DROP CONSTRAINT "access_grants_applicants_subject";
-- Modify "operations" table
ALTER TABLE "operations" ALTER COLUMN "approved_by" DROP NOT NULL, ADD COLUMN "approved_at" timestamptz NULL;
