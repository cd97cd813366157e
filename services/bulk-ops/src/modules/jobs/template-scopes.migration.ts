import { sqlMigration } from '@commonhold/kit';

const list = `string_to_array(NULLIF(current_setting('app.scope_buildings', true), ''), ',')`;

/** The scope policy of a table whose rows span buildings: a building manager's rows are those whose every building is theirs. */
export const everyBuildingScopePolicy = (table: string) =>
  `CREATE POLICY ${table}_scope ON ${table} AS RESTRICTIVE
       USING (current_setting('app.scope', true) = 'global' OR (building_id::text = ANY(${list}) AND building_ids::text[] <@ ${list}))
       WITH CHECK (current_setting('app.scope', true) = 'global' OR (building_id::text = ANY(${list}) AND building_ids::text[] <@ ${list}))`;

/** The scope policy before rows spanned buildings: the first building only. */
export const firstBuildingScopePolicy = (table: string) =>
  `CREATE POLICY ${table}_scope ON ${table} AS RESTRICTIVE USING (current_setting('app.scope', true) = 'global' OR building_id::text = ANY(${list})) WITH CHECK (current_setting('app.scope', true) = 'global' OR building_id::text = ANY(${list}))`;

/**
 * Reminder templates: a template keeps its whole scope, which may span buildings (`building_ids`;
 * `building_id` stays the first, as for jobs). A building manager sees a template only when every
 * building of it is theirs — the rule of `bulk_jobs_scope`.
 */
export const BulkTemplateScopes1796800000000 = sqlMigration(
  'BulkTemplateScopes1796800000000',
  [
    'ALTER TABLE bulk_templates ADD COLUMN building_ids uuid[]',
    'UPDATE bulk_templates SET building_ids = ARRAY[building_id]',
    'ALTER TABLE bulk_templates ALTER COLUMN building_ids SET NOT NULL',
    'DROP POLICY bulk_templates_scope ON bulk_templates',
    everyBuildingScopePolicy('bulk_templates'),
  ],
  [
    'DROP POLICY bulk_templates_scope ON bulk_templates',
    firstBuildingScopePolicy('bulk_templates'),
    'ALTER TABLE bulk_templates DROP COLUMN building_ids',
  ],
);
