import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * Automation rules per building, their executions (one per vote and rule: the unique key is the
 * idempotency key of the execution), and the tasks and projects they create. Every row carries its
 * building id under scopeRlsSql: a building manager reaches its buildings' rules and work only.
 */
export const CreateAutomation1796531703700 = sqlMigration(
  'CreateAutomation1796531703700',
  [
    `CREATE TABLE automation_rules (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      name text NOT NULL,
      trigger text NOT NULL CHECK (trigger IN ('vote_approved')),
      category text,
      action text NOT NULL CHECK (action IN ('task', 'project', 'work_order')),
      min_approval_bp integer NOT NULL DEFAULT 0 CHECK (min_approval_bp BETWEEN 0 AND 10000),
      assignee text,
      parameters jsonb NOT NULL,
      sla_response_hours integer CHECK (sla_response_hours > 0),
      sla_completion_days integer CHECK (sla_completion_days > 0),
      enabled boolean NOT NULL DEFAULT true,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX automation_rules_building ON automation_rules (tenant_id, building_id, created_at DESC, id DESC)',
    ...tenantRlsSql('automation_rules'),
    ...scopeRlsSql('automation_rules', { building: 'building_id' }),
    `CREATE TABLE automation_projects (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      vote_id uuid NOT NULL,
      rule_id uuid NOT NULL REFERENCES automation_rules (id),
      name text NOT NULL,
      assignee text,
      due_at timestamptz,
      trace_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('automation_projects'),
    ...scopeRlsSql('automation_projects', { building: 'building_id' }),
    `CREATE TABLE automation_tasks (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      vote_id uuid NOT NULL,
      rule_id uuid NOT NULL REFERENCES automation_rules (id),
      project_id uuid REFERENCES automation_projects (id),
      seq integer NOT NULL DEFAULT 1,
      title text NOT NULL,
      description text,
      assignee text,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
      respond_by timestamptz,
      due_at timestamptz,
      trace_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX automation_tasks_vote ON automation_tasks (tenant_id, vote_id, project_id, seq)',
    ...tenantRlsSql('automation_tasks'),
    ...scopeRlsSql('automation_tasks', { building: 'building_id' }),
    `CREATE TABLE automation_executions (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      vote_id uuid NOT NULL,
      rule_id uuid NOT NULL REFERENCES automation_rules (id),
      action text NOT NULL CHECK (action IN ('task', 'project', 'work_order')),
      status text NOT NULL CHECK (status IN ('done', 'requested', 'linked')),
      task_id uuid REFERENCES automation_tasks (id),
      project_id uuid REFERENCES automation_projects (id),
      request_id uuid UNIQUE,
      work_order_id uuid,
      vote_closed_at timestamptz NOT NULL,
      executed_at timestamptz NOT NULL DEFAULT now(),
      linked_at timestamptz,
      trace_id text,
      UNIQUE (vote_id, rule_id)
    )`,
    'CREATE INDEX automation_executions_vote ON automation_executions (tenant_id, vote_id)',
    ...tenantRlsSql('automation_executions'),
    ...scopeRlsSql('automation_executions', { building: 'building_id' }),
  ],
  ['DROP TABLE automation_executions', 'DROP TABLE automation_tasks', 'DROP TABLE automation_projects', 'DROP TABLE automation_rules'],
);
