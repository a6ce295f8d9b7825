-- Modify "consent_states" table
ALTER TABLE "consent_states" ADD COLUMN "applies_from" timestamptz NULL, ADD COLUMN "void_from" timestamptz NULL;
-- Modify "consents" table
ALTER TABLE "consents" ADD COLUMN "effective_at" timestamptz NULL;
-- Modify "policy_versions" table
ALTER TABLE "policy_versions" ADD COLUMN "added_purposes" jsonb NULL;
