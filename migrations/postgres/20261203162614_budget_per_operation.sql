-- Modify "budget_spends" table
ALTER TABLE "budget_spends" ADD COLUMN "operation" character varying NULL;
-- Create index "budgetspend_operation_spent_at" to table: "budget_spends"
CREATE INDEX "budgetspend_operation_spent_at" ON "budget_spends" ("operation", "spent_at");
