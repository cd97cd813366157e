import { sqlMigration } from '@commonhold/kit';
import { everyBuildingScopePolicy, firstBuildingScopePolicy } from './template-scopes.migration';

/**
 * The REMINDER action: jobs over several buildings (`building_ids`; `building_id` stays the first,
 * so every index and policy keyed by it keeps working), and per item the channel and owner a reminder
 * goes to and the delivery key collections sent it under. A building manager sees a job only when
 * every building of it is theirs.
 */
export const BulkReminders1796700000100 = sqlMigration(
  'BulkReminders1796700000100',
  [
    'ALTER TABLE bulk_templates DROP CONSTRAINT bulk_templates_action_check',
    "ALTER TABLE bulk_templates ADD CONSTRAINT bulk_templates_action_check CHECK (action IN ('common_expense_issue', 'reminder'))",
    'ALTER TABLE bulk_jobs DROP CONSTRAINT bulk_jobs_action_check',
    "ALTER TABLE bulk_jobs ADD CONSTRAINT bulk_jobs_action_check CHECK (action IN ('common_expense_issue', 'reminder'))",
    'ALTER TABLE bulk_jobs ADD COLUMN building_ids uuid[]',
    'UPDATE bulk_jobs SET building_ids = ARRAY[building_id]',
    'ALTER TABLE bulk_jobs ALTER COLUMN building_ids SET NOT NULL',
    'DROP POLICY bulk_jobs_scope ON bulk_jobs',
    everyBuildingScopePolicy('bulk_jobs'),
    'ALTER TABLE bulk_job_items ADD COLUMN channel text, ADD COLUMN party_id uuid, ADD COLUMN delivery_key text',
  ],
  [
    'ALTER TABLE bulk_job_items DROP COLUMN channel, DROP COLUMN party_id, DROP COLUMN delivery_key',
    'DROP POLICY bulk_jobs_scope ON bulk_jobs',
    firstBuildingScopePolicy('bulk_jobs'),
    'ALTER TABLE bulk_jobs DROP COLUMN building_ids',
    "ALTER TABLE bulk_jobs DROP CONSTRAINT bulk_jobs_action_check",
    "ALTER TABLE bulk_jobs ADD CONSTRAINT bulk_jobs_action_check CHECK (action IN ('common_expense_issue'))",
    "ALTER TABLE bulk_templates DROP CONSTRAINT bulk_templates_action_check",
    "ALTER TABLE bulk_templates ADD CONSTRAINT bulk_templates_action_check CHECK (action IN ('common_expense_issue'))",
  ],
);
