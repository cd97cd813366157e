import type { EntityManager } from 'typeorm';
import { keysetPage, CREATED_AT_ID, cursorInstant, type PageArgs } from '@commonhold/kit';
import type { RequestStatus } from './request';

/** A grant application as the use cases and resolvers see it. */
export interface RequestRow {
  id: string;
  tenantId: string;
  name: string;
  funderContactId: string;
  opportunityId: string | null;
  fundCode: string | null;
  status: RequestStatus;
  currency: string;
  requestedMinor: number;
  awardedMinor: number | null;
  awardedOn: string | null;
  startDate: string | null;
  endDate: string | null;
  renewalOfId: string | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const day = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

export function toRequest(r: Record<string, any>): RequestRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    funderContactId: r.funder_contact_id,
    opportunityId: r.opportunity_id,
    fundCode: r.fund_code,
    status: r.status,
    currency: String(r.currency).trim(),
    requestedMinor: Number(r.requested_minor),
    awardedMinor: r.awarded_minor == null ? null : Number(r.awarded_minor),
    awardedOn: day(r.awarded_on),
    startDate: day(r.start_date),
    endDate: day(r.end_date),
    renewalOfId: r.renewal_of_id,
    closedAt: r.closed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Dates come back as text: no time-zone shift of a calendar date. */
const COLUMNS = `*, awarded_on::text AS awarded_on, start_date::text AS start_date, end_date::text AS end_date`;

export async function findRequest(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<RequestRow | null> {
  const [row] = await m.query(`SELECT ${COLUMNS} FROM grant_requests WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ? toRequest(row) : null;
}

export async function findRequests(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<RequestRow[]> {
  const rows = await m.query(`SELECT ${COLUMNS} FROM grant_requests WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
  return rows.map(toRequest);
}

export async function insertRequest(m: EntityManager, r: Omit<RequestRow, 'createdAt' | 'updatedAt' | 'closedAt' | 'awardedMinor' | 'awardedOn'>, now: Date): Promise<void> {
  await m.query(
    `INSERT INTO grant_requests (id, tenant_id, name, funder_contact_id, opportunity_id, fund_code, status, currency, requested_minor, start_date, end_date, renewal_of_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
    [r.id, r.tenantId, r.name, r.funderContactId, r.opportunityId, r.fundCode, r.status, r.currency, r.requestedMinor, r.startDate, r.endDate, r.renewalOfId, now],
  );
}

export async function updateRequest(m: EntityManager, tenantId: string, id: string, set: Partial<Pick<RequestRow, 'status' | 'awardedMinor' | 'awardedOn' | 'startDate' | 'endDate' | 'closedAt'>>, now: Date): Promise<void> {
  const cols: Record<string, string> = { status: 'status', awardedMinor: 'awarded_minor', awardedOn: 'awarded_on', startDate: 'start_date', endDate: 'end_date', closedAt: 'closed_at' };
  const keys = Object.keys(set) as (keyof typeof set)[];
  const assignments = keys.map((k, i) => `${cols[k]} = $${i + 4}`);
  await m.query(`UPDATE grant_requests SET updated_at = $3${assignments.length ? `, ${assignments.join(', ')}` : ''} WHERE tenant_id = $1 AND id = $2`, [tenantId, id, now, ...keys.map((k) => set[k])]);
}

export function pageRequests(m: EntityManager, tenantId: string, args: PageArgs & { status?: RequestStatus | null }) {
  return keysetPage<RequestRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, async ({ after, take }) => {
    const params: unknown[] = [tenantId, take];
    let where = 'tenant_id = $1';
    if (args.status) where += ` AND status = $${params.push(args.status)}`;
    if (after) where += ` AND (created_at, id) < ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`;
    const rows = await m.query(`SELECT ${COLUMNS} FROM grant_requests WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`, params);
    return rows.map(toRequest);
  });
}

/** The final-report requirements of a request, as closing needs them. */
export async function requirementStates(m: EntityManager, tenantId: string, requestId: string): Promise<{ type: string; finalReport: boolean; status: string }[]> {
  return m.query(`SELECT type, final_report AS "finalReport", status FROM grant_requirements WHERE tenant_id = $1 AND request_id = $2`, [tenantId, requestId]);
}
