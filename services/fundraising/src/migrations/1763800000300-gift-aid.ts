import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * Gift Aid (issue 3): declarations with the donor's details as declared (HMRC records, kept after
 * erasure), claims and their items (a gift is claimed at most once; refunds after a claim become
 * ADJUSTMENT items of a later claim), and dated aggregation thresholds. See
 * docs/runbooks/gift-aid-claims.md.
 */
export const GiftAid1763800000300 = sqlMigration(
  'GiftAid1763800000300',
  [
    // Coverage: gifts received on covers_from .. covers_to (inclusive, open-ended when null); a
    // SINGLE declaration covers only gift_id. No unique "one active per contact" index: merging
    // contacts moves declarations across (contact_id) and the use case supersedes instead.
    `CREATE TABLE gift_aid_declarations (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      kind text NOT NULL CHECK (kind IN ('ENDURING', 'SINGLE')),
      method text NOT NULL CHECK (method IN ('WRITTEN', 'ORAL', 'ONLINE')),
      status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CANCELLED', 'SUPERSEDED')),
      declared_at date NOT NULL,
      covers_from date NOT NULL,
      covers_to date,
      gift_id uuid REFERENCES gifts (id),
      oral_confirmation_sent_at date,
      confirmation_reference text,
      retroactively_cancelled boolean NOT NULL DEFAULT false,
      cancelled_at date,
      cancellation_reason text,
      superseded_by_id uuid REFERENCES gift_aid_declarations (id),
      donor_title text,
      donor_first_name text,
      donor_last_name text,
      donor_house_name_or_number text,
      donor_postcode text,
      donor_country char(2),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT gift_aid_declarations_single_gift CHECK ((kind = 'SINGLE') = (gift_id IS NOT NULL)),
      CONSTRAINT gift_aid_declarations_oral_confirmed CHECK (method <> 'ORAL' OR oral_confirmation_sent_at IS NOT NULL),
      CONSTRAINT gift_aid_declarations_cancelled CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
    )`,
    `CREATE INDEX gift_aid_declarations_contact ON gift_aid_declarations (tenant_id, contact_id)`,
    `CREATE UNIQUE INDEX gift_aid_declarations_single_once ON gift_aid_declarations (tenant_id, gift_id) WHERE kind = 'SINGLE' AND status = 'ACTIVE'`,
    ...tenantRlsSql('gift_aid_declarations'),

    `CREATE TABLE gift_aid_aggregation_thresholds (
      tenant_id text NOT NULL,
      effective_from date NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor BETWEEN 0 AND 100000),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, effective_from)
    )`,
    ...tenantRlsSql('gift_aid_aggregation_thresholds'),

    `CREATE TABLE gift_aid_claims (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      up_to date NOT NULL,
      claim_date date NOT NULL,
      created_by text NOT NULL,
      row_count int NOT NULL,
      gift_count int NOT NULL,
      schedule_total_minor bigint NOT NULL,
      adjustment_total_minor bigint NOT NULL CHECK (adjustment_total_minor <= 0),
      total_donations_minor bigint NOT NULL,
      adjustment_tax_minor bigint NOT NULL,
      tax_recoverable_minor bigint NOT NULL,
      aggregation_threshold_minor bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX gift_aid_claims_page ON gift_aid_claims (tenant_id, created_at DESC, id DESC)`,
    ...tenantRlsSql('gift_aid_claims'),

    // CLAIM items carry the donor's details as claimed, so a re-downloaded schedule is identical.
    `CREATE TABLE gift_aid_claim_items (
      tenant_id text NOT NULL,
      claim_id uuid NOT NULL REFERENCES gift_aid_claims (id),
      gift_id uuid NOT NULL REFERENCES gifts (id),
      kind text NOT NULL CHECK (kind IN ('CLAIM', 'ADJUSTMENT')),
      amount_minor bigint NOT NULL,
      donation_date date NOT NULL,
      declaration_id uuid REFERENCES gift_aid_declarations (id),
      adjusts_claim_id uuid REFERENCES gift_aid_claims (id),
      adjustment_reason text CHECK (adjustment_reason IN ('REFUNDED', 'DECLARATION_CANCELLED')),
      donor_title text,
      donor_first_name text,
      donor_last_name text,
      donor_house_name_or_number text,
      donor_postcode text,
      donor_country char(2),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (claim_id, gift_id, kind),
      CONSTRAINT gift_aid_claim_items_sign CHECK ((kind = 'CLAIM' AND amount_minor > 0) OR (kind = 'ADJUSTMENT' AND amount_minor < 0 AND adjusts_claim_id IS NOT NULL))
    )`,
    // The guarantee behind "a gift is never in two claims".
    `CREATE UNIQUE INDEX gift_aid_claim_items_claimed_once ON gift_aid_claim_items (tenant_id, gift_id) WHERE kind = 'CLAIM'`,
    `CREATE INDEX gift_aid_claim_items_gift ON gift_aid_claim_items (tenant_id, gift_id)`,
    ...tenantRlsSql('gift_aid_claim_items'),
  ],
  ['DROP TABLE gift_aid_claim_items', 'DROP TABLE gift_aid_claims', 'DROP TABLE gift_aid_aggregation_thresholds', 'DROP TABLE gift_aid_declarations'],
);
