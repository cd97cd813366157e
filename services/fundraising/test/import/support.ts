import { withTenant } from '@commonhold/kit';
import type { TestPlatform } from '@commonhold/testing/src/platform';

export const JOB_FIELDS = `id fileName status dryRun skipInvalidRows totalRows validRows invalidRows chunksTotal chunksDone importedGifts alreadyImportedGifts
  createdContacts matchedContacts newCampaignCodes newAppealCodes newFundCodes lastError completedAt
  errors(first: 100) { totalCount edges { node { rowNumber field message } } }`;
export const START = `mutation($input: StartFundraisingImportInput!) { startFundraisingImport(input: $input) { job { ${JOB_FIELDS} } } }`;
export const RUN = `mutation($input: RunFundraisingImportInput!) { runFundraisingImport(input: $input) { job { ${JOB_FIELDS} } } }`;
export const JOB = `query($id: ID!) { fundraisingImportJob(id: $id) { ${JOB_FIELDS} } }`;

export { idempotencyKey as key, tenantName } from '../support';
import { idempotencyKey as key } from '../support';

type As = ReturnType<TestPlatform['as']>;

/** Starts an import through the gateway and expects no GraphQL error. */
export async function startImport(as: As, csv: string, opts: { dryRun?: boolean; skipInvalidRows?: boolean; fileName?: string; idempotencyKey?: string } = {}) {
  const r = await as(START, {
    input: { fileName: opts.fileName ?? 'gifts.csv', csv, dryRun: opts.dryRun ?? false, skipInvalidRows: opts.skipInvalidRows ?? false, idempotencyKey: opts.idempotencyKey ?? key() },
  });
  expect(r.errors).toBeUndefined();
  return r.data.startFundraisingImport.job;
}

export interface Counts {
  contacts: number;
  gifts: number;
  allocations: number;
  households: number;
  campaigns: number;
  appeals: number;
  funds: number;
  refs: number;
  jobs: number;
  rollups: number;
}

/** Row counts of the tables an import writes, as the tenant sees them. */
export function counts(platform: TestPlatform, tenant: string): Promise<Counts> {
  return withTenant(platform.services.fundraising!.runtime.ds, tenant, async (m) => {
    const [r] = await m.query(
      `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM gifts)::int AS gifts, (SELECT count(*) FROM gift_allocations)::int AS allocations,
              (SELECT count(*) FROM households)::int AS households, (SELECT count(*) FROM campaigns)::int AS campaigns, (SELECT count(*) FROM appeals)::int AS appeals,
              (SELECT count(*) FROM funds)::int AS funds, (SELECT count(*) FROM import_contact_refs)::int AS refs, (SELECT count(*) FROM import_jobs)::int AS jobs,
              (SELECT count(*) FROM giving_rollups)::int AS rollups`,
    );
    return r as Counts;
  });
}

/**
 * The tenant's contacts, gifts and rollups with ids left out: per contact, its gifts' external
 * refs and amounts and its rollups — two tenants that imported the same file compare equal.
 */
export function fingerprint(platform: TestPlatform, tenant: string) {
  return withTenant(platform.services.fundraising!.runtime.ds, tenant, async (m) => {
    const rows: unknown[] = await m.query(
      `SELECT c.kind, c.title, c.first_name, c.last_name, c.email, c.postcode, c.household_id IS NOT NULL AS in_household,
              (SELECT string_agg(g.external_ref || ':' || g.amount_minor || g.currency || ':' || to_char(g.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || ':' || g.payment_method || ':' || coalesce(ca.code, '-') || ':' || coalesce(ap.code, '-') || ':' || coalesce(f.code, '-') || ':' || g.rolled_up, ',' ORDER BY g.external_ref)
                 FROM gifts g LEFT JOIN campaigns ca ON ca.id = g.campaign_id LEFT JOIN appeals ap ON ap.id = g.appeal_id
                 LEFT JOIN gift_allocations a ON a.gift_id = g.id LEFT JOIN funds f ON f.id = a.fund_id WHERE g.contact_id = c.id) AS gifts,
              (SELECT string_agg(r.currency || ':' || r.total_minor || ':' || r.gift_count || ':' || r.by_fiscal_year::text, ',' ORDER BY r.currency)
                 FROM giving_rollups r WHERE r.subject_type = 'CONTACT' AND r.subject_id = c.id) AS rollups,
              (SELECT string_agg(r.currency || ':' || r.total_minor || ':' || r.gift_count, ',' ORDER BY r.currency)
                 FROM giving_rollups r WHERE r.subject_type = 'HOUSEHOLD' AND r.subject_id = c.household_id) AS household_rollups
       FROM contacts c ORDER BY gifts NULLS FIRST, c.last_name, c.email`,
    );
    return rows;
  });
}
