import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/** A list setting of the transaction's scope, as scopeRlsSql reads it. */
const scopeList = (setting: string) => `string_to_array(NULLIF(current_setting('${setting}', true), ''), ',')`;

/**
 * vendors' tables. Every table is fenced by tenant and by scope (scopeRlsSql): a building manager
 * reaches the rows of its buildings (and the vendors serving them), a vendor user (`vendor:<id>`)
 * only its own vendor, work orders, offers, documents and the tenders it was invited to.
 */
export const CreateVendors1796531745289 = sqlMigration(
  'CreateVendors1796531745289',
  [
    // Projection of collections' buildings (consumer group vendors.directory).
    `CREATE TABLE directory_buildings (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      currency text NOT NULL,
      deleted_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('directory_buildings'),
    ...scopeRlsSql('directory_buildings', { building: 'id' }),

    `CREATE TABLE vendors (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      email text,
      trades text[] NOT NULL,
      building_ids uuid[] NOT NULL,
      active boolean NOT NULL DEFAULT true,
      response_hours integer NOT NULL CHECK (response_hours > 0),
      completion_days integer NOT NULL CHECK (completion_days > 0),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX vendors_page ON vendors (tenant_id, created_at DESC, id DESC)',
    ...tenantRlsSql('vendors'),
    // A building manager sees the vendors serving one of its buildings.
    ...scopeRlsSql('vendors', { vendor: 'id', orUsing: `building_ids && ${scopeList('app.scope_buildings')}::uuid[]` }),

    `CREATE TABLE vendor_credentials (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      vendor_id uuid NOT NULL REFERENCES vendors(id),
      kind text NOT NULL,
      status text NOT NULL CHECK (status IN ('approved', 'exempt', 'incomplete', 'pending', 'declined')),
      expires_on date,
      reference text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (vendor_id, kind)
    )`,
    ...tenantRlsSql('vendor_credentials'),
    // Visible with its vendor (the subquery is itself fenced by the vendors policy).
    ...scopeRlsSql('vendor_credentials', { vendor: 'vendor_id', orUsing: 'EXISTS (SELECT 1 FROM vendors v WHERE v.id = vendor_credentials.vendor_id)' }),

    `CREATE TABLE work_orders (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      vendor_id uuid REFERENCES vendors(id),
      request_id uuid,
      vote_id uuid,
      rule_id uuid,
      category text NOT NULL,
      title text NOT NULL,
      description text,
      budget_minor bigint,
      currency text NOT NULL,
      response_hours integer,
      completion_days integer,
      status text NOT NULL,
      tender_id uuid,
      agreed_minor bigint,
      offered_at timestamptz,
      response_due_at timestamptz,
      accepted_at timestamptz,
      declined_at timestamptz,
      decline_reason text,
      started_at timestamptz,
      completion_due_at timestamptz,
      completed_at timestamptz,
      completion_notes text,
      invoice_minor bigint,
      verified_at timestamptz,
      rating integer CHECK (rating BETWEEN 1 AND 5),
      verification_notes text,
      closed_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text,
      created_by text NOT NULL,
      trace_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // One work order per command: the voting request id is the idempotency key of the consumer.
    'CREATE UNIQUE INDEX work_orders_request ON work_orders (tenant_id, request_id) WHERE request_id IS NOT NULL',
    'CREATE INDEX work_orders_page ON work_orders (tenant_id, created_at DESC, id DESC)',
    'CREATE INDEX work_orders_vendor ON work_orders (tenant_id, vendor_id)',
    ...tenantRlsSql('work_orders'),
    ...scopeRlsSql('work_orders', { building: 'building_id', vendor: 'vendor_id' }),

    // One row per (work order, vendor it was offered to): what the KPIs are computed from.
    `CREATE TABLE vendor_kpi_facts (
      tenant_id text NOT NULL,
      work_order_id uuid NOT NULL REFERENCES work_orders(id),
      vendor_id uuid NOT NULL REFERENCES vendors(id),
      building_id uuid NOT NULL,
      offered_at timestamptz NOT NULL,
      response_due_at timestamptz,
      accepted_at timestamptz,
      declined_at timestamptz,
      completion_due_at timestamptz,
      completed_at timestamptz,
      awarded_minor bigint,
      invoice_minor bigint,
      rating integer,
      verified_at timestamptz,
      PRIMARY KEY (work_order_id, vendor_id)
    )`,
    'CREATE INDEX vendor_kpi_facts_vendor ON vendor_kpi_facts (tenant_id, vendor_id, offered_at)',
    ...tenantRlsSql('vendor_kpi_facts'),
    ...scopeRlsSql('vendor_kpi_facts', { building: 'building_id', vendor: 'vendor_id' }),

    `CREATE TABLE work_order_documents (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      work_order_id uuid NOT NULL REFERENCES work_orders(id),
      building_id uuid NOT NULL,
      vendor_id uuid,
      kind text NOT NULL CHECK (kind IN ('estimate', 'invoice', 'completion')),
      file_name text NOT NULL,
      content_type text NOT NULL,
      size_bytes integer NOT NULL,
      sha256 text NOT NULL,
      storage_key text NOT NULL,
      uploaded_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX work_order_documents_order ON work_order_documents (tenant_id, work_order_id)',
    ...tenantRlsSql('work_order_documents'),
    ...scopeRlsSql('work_order_documents', { building: 'building_id', vendor: 'vendor_id' }),

    `CREATE TABLE tender_invitations (
      tender_id uuid NOT NULL,
      vendor_id uuid NOT NULL REFERENCES vendors(id),
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      invited_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tender_id, vendor_id)
    )`,
    ...tenantRlsSql('tender_invitations'),
    ...scopeRlsSql('tender_invitations', { building: 'building_id', vendor: 'vendor_id' }),

    `CREATE TABLE tenders (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      work_order_id uuid NOT NULL REFERENCES work_orders(id),
      building_id uuid NOT NULL,
      category text NOT NULL,
      title text NOT NULL,
      currency text NOT NULL,
      status text NOT NULL CHECK (status IN ('planned', 'active', 'complete', 'cancelled', 'unsuccessful', 'withdrawn')),
      awarded_offer_id uuid,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX tenders_page ON tenders (tenant_id, created_at DESC, id DESC)',
    ...tenantRlsSql('tenders'),
    // A vendor sees the tenders it was invited to (the invitations are fenced by vendor).
    ...scopeRlsSql('tenders', { building: 'building_id', orUsing: 'EXISTS (SELECT 1 FROM tender_invitations i WHERE i.tender_id = tenders.id)' }),

    `CREATE TABLE tender_offers (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      tender_id uuid NOT NULL REFERENCES tenders(id),
      vendor_id uuid NOT NULL REFERENCES vendors(id),
      building_id uuid NOT NULL,
      price_minor bigint NOT NULL CHECK (price_minor > 0),
      currency text NOT NULL,
      duration_days integer NOT NULL CHECK (duration_days > 0),
      valid_until date NOT NULL,
      notes text,
      status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'awarded', 'not_awarded')),
      submitted_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tender_id, vendor_id)
    )`,
    ...tenantRlsSql('tender_offers'),
    ...scopeRlsSql('tender_offers', { building: 'building_id', vendor: 'vendor_id' }),
  ],
  [
    'DROP TABLE tender_offers', 'DROP TABLE tenders', 'DROP TABLE tender_invitations', 'DROP TABLE work_order_documents',
    'DROP TABLE vendor_kpi_facts', 'DROP TABLE work_orders', 'DROP TABLE vendor_credentials', 'DROP TABLE vendors', 'DROP TABLE directory_buildings',
  ],
);
