import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * vendors' record of the signed work-order links it asked identity for: which work order and vendor
 * a link opens, until when, and whether it was revoked. identity holds the link itself (signature,
 * uses); a `work_order_access` link not recorded here opens nothing in vendors. Fenced by building
 * (the office that issued it) and by vendor.
 */
export const CreateWorkOrderLinks1796900000000 = sqlMigration(
  'CreateWorkOrderLinks1796900000000',
  [
    `CREATE TABLE work_order_links (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      work_order_id uuid NOT NULL REFERENCES work_orders(id),
      building_id uuid NOT NULL,
      vendor_id uuid NOT NULL,
      expires_at timestamptz NOT NULL,
      identity_key text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_by text
    )`,
    'CREATE INDEX work_order_links_order ON work_order_links (tenant_id, work_order_id)',
    ...tenantRlsSql('work_order_links'),
    ...scopeRlsSql('work_order_links', { building: 'building_id', vendor: 'vendor_id' }),
  ],
  ['DROP TABLE work_order_links'],
);
