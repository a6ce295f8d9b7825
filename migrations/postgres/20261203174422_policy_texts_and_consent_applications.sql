-- Modify "policy_versions" table
ALTER TABLE "policy_versions" ADD COLUMN "text" text NULL;
-- Modify "consents" table
ALTER TABLE "consents" ADD COLUMN "application_id" bigint NULL, ADD CONSTRAINT "consents_applications_consents" FOREIGN KEY ("application_id") REFERENCES "applications" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
