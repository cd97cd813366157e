import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/** Promises to pay: at most one active per apartment; payments posted after `baseline_seq` count towards it. */
export const CreatePromises1796495271400 = sqlMigration(
  'CreatePromises1796495271400',
  [
    `CREATE TABLE promises_to_pay (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      apartment_id uuid NOT NULL,
      currency text NOT NULL,
      instalments jsonb NOT NULL,
      total_minor bigint NOT NULL CHECK (total_minor > 0),
      baseline_seq bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'kept', 'broken')),
      paid_minor bigint NOT NULL DEFAULT 0,
      short_on date,
      resolved_on date,
      note text,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX promises_to_pay_one_active ON promises_to_pay (tenant_id, apartment_id) WHERE status = 'active'`,
    'CREATE INDEX promises_to_pay_page ON promises_to_pay (tenant_id, apartment_id, created_at DESC, id DESC)',
    `CREATE INDEX promises_to_pay_active ON promises_to_pay (tenant_id, status) WHERE status = 'active'`,
    ...tenantRlsSql('promises_to_pay'),
    ...scopeRlsSql('promises_to_pay', { building: 'building_id', apartment: 'apartment_id' }),
  ],
  ['DROP TABLE promises_to_pay'],
);
