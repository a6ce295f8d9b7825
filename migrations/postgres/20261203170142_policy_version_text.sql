-- Modify "policy_versions" table
ALTER TABLE "policy_versions" ADD COLUMN "text" text NULL;
