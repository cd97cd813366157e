/**
 * Loads a generated historical-import dataset (services/fundraising/test/import/dataset.ts)
 * straight into a fundraising database with COPY, as the table owner (a superuser, so row-level
 * security does not apply): the raw baseline of `npm run bench -- import`, and the fast loader of
 * `npm run bench -- dashboard`. Optionally the reference rows and allocations too.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PAYMENT_METHODS } from '../../services/fundraising/src/modules/gifts/gift';
import type { Dataset } from '../../services/fundraising/test/import/dataset';

const PAYMENT = new Set<string>(PAYMENT_METHODS);
const method = (m: string) => {
  const p = m.trim().toUpperCase().replace(/[\s-]+/g, '_');
  return PAYMENT.has(p) ? p : 'OTHER';
};

/** COPY text format: tab-separated, \N for null, backslash/tab/newline escaped. */
const cell = (v: string | number | boolean | null | undefined) =>
  v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

async function copy(client: Client, table: string, columns: string[], rows: Iterable<(string | number | boolean | null)[]>) {
  function* lines() {
    let buf = '';
    for (const r of rows) {
      buf += `${r.map(cell).join('\t')}\n`;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}

export interface CopyResult {
  contacts: number;
  gifts: number;
  seconds: number;
}

/**
 * COPYs one contact per donor and one gift per row for `tenantId` (source IMPORT, external_ref
 * set, as the import writes them). With `references`, also campaigns/appeals/funds and one
 * allocation per gift with a fund (the dashboard's dataset). Timed from the first COPY to COMMIT.
 */
export async function copyDataset(ownerUrl: string, tenantId: string, ds: Dataset, opts: { references?: boolean; households?: boolean } = {}): Promise<CopyResult> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const contactIds = ds.donors.map(() => randomUUID());
    // With `households`, a one-member household per person, as the import writes with households on.
    const householdIds = ds.donors.map((d) => (opts.households && d.kind === 'PERSON' ? randomUUID() : null));
    const giftIds = ds.gifts.map(() => randomUUID());
    const ref = { campaigns: new Map<string, string>(), appeals: new Map<string, string>(), funds: new Map<string, string>() };
    if (opts.references) {
      for (const g of ds.gifts) {
        if (g.campaignCode && !ref.campaigns.has(g.campaignCode)) ref.campaigns.set(g.campaignCode, randomUUID());
        if (g.appealCode && !ref.appeals.has(g.appealCode)) ref.appeals.set(g.appealCode, randomUUID());
        if (g.fundCode && !ref.funds.has(g.fundCode)) ref.funds.set(g.fundCode, randomUUID());
      }
    }
    const start = performance.now();
    await client.query('BEGIN');
    if (opts.references) {
      for (const [table, m] of Object.entries(ref)) {
        await copy(client, table, ['id', 'tenant_id', 'code', 'name'], [...m].map(([code, id]) => [id, tenantId, code, `${code} (${table})`]));
      }
    }
    if (opts.households) {
      await copy(
        client,
        'households',
        ['id', 'tenant_id', 'name', 'formal_greeting', 'informal_greeting'],
        ds.donors.flatMap((d, i) => (householdIds[i] ? [[householdIds[i]!, tenantId, `${d.lastName} Household`, [d.title, d.firstName, d.lastName].filter(Boolean).join(' '), d.firstName ?? '']] : [])),
      );
    }
    await copy(
      client,
      'contacts',
      ['id', 'tenant_id', 'kind', 'title', 'first_name', 'last_name', 'organisation_name', 'email', 'house_name_or_number', 'address_line1', 'city', 'postcode', 'country', 'household_id'],
      ds.donors.map((d, i) => [contactIds[i]!, tenantId, d.kind, d.title, d.firstName, d.lastName, d.organisationName, d.email, d.houseNameOrNumber, d.addressLine1, d.city, d.postcode, 'GB', householdIds[i] ?? null]),
    );
    await copy(
      client,
      'gifts',
      ['id', 'tenant_id', 'contact_id', 'amount_minor', 'currency', 'received_at', 'kind', 'payment_method', 'campaign_id', 'appeal_id', 'source', 'external_ref'],
      ds.gifts.map((g, i) => [
        giftIds[i]!,
        tenantId,
        contactIds[g.donor.index]!,
        g.amountMinor,
        g.currency,
        g.receivedAt,
        'ONE_OFF',
        method(g.paymentMethod),
        g.campaignCode ? (ref.campaigns.get(g.campaignCode) ?? null) : null,
        g.appealCode ? (ref.appeals.get(g.appealCode) ?? null) : null,
        'IMPORT',
        g.externalId,
      ]),
    );
    if (opts.references) {
      await copy(
        client,
        'gift_allocations',
        ['tenant_id', 'gift_id', 'fund_id', 'amount_minor'],
        ds.gifts.flatMap((g, i) => (g.fundCode ? [[tenantId, giftIds[i]!, ref.funds.get(g.fundCode)!, g.amountMinor]] : [])),
      );
    }
    await client.query('COMMIT');
    const seconds = (performance.now() - start) / 1000;
    return { contacts: ds.donors.length, gifts: ds.gifts.length, seconds };
  } finally {
    await client.end();
  }
}
