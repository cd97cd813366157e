import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * One row per grant disbursement turned into a gift (the grant-gifts module): the disbursement id
 * is the key, so a redelivered or republished `grants.disbursement.paid` adds no second gift.
 */
export const GrantGifts1796500070000 = sqlMigration(
  'GrantGifts1796500070000',
  [
    `CREATE TABLE grant_gifts (
      tenant_id text NOT NULL,
      disbursement_id uuid NOT NULL,
      request_id uuid NOT NULL,
      gift_id uuid NOT NULL REFERENCES gifts (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, disbursement_id)
    )`,
    'CREATE INDEX grant_gifts_request ON grant_gifts (tenant_id, request_id)',
    ...tenantRlsSql('grant_gifts'),
  ],
  ['DROP TABLE grant_gifts'],
);
