-- Modify "access_grants" table
ALTER TABLE "access_grants" DROP CONSTRAINT "access_grants_applicants_subject";
