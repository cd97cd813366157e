import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';
import type { Instalment, PromisePayment, PromiseStatus } from './promise';

/** Promises to pay; row-level security scopes every query to the caller's tenant. */

export interface PromiseRow {
  id: string;
  buildingId: string;
  apartmentId: string;
  currency: string;
  instalments: Instalment[];
  totalMinor: number;
  baselineSeq: number;
  status: PromiseStatus;
  paidMinor: number;
  shortOn: string | null;
  resolvedOn: string | null;
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

const COLUMNS = `id, building_id AS "buildingId", apartment_id AS "apartmentId", currency, instalments, total_minor::float8 AS "totalMinor",
  baseline_seq::float8 AS "baselineSeq", status, paid_minor::float8 AS "paidMinor", to_char(short_on, 'YYYY-MM-DD') AS "shortOn",
  to_char(resolved_on, 'YYYY-MM-DD') AS "resolvedOn", note, created_by AS "createdBy", created_at AS "createdAt"`;

export async function insertPromise(m: EntityManager, tenantId: string, p: Omit<PromiseRow, 'status' | 'paidMinor' | 'shortOn' | 'resolvedOn' | 'createdAt'>): Promise<void> {
  await m.query(
    `INSERT INTO promises_to_pay (id, tenant_id, building_id, apartment_id, currency, instalments, total_minor, baseline_seq, status, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, 'active', $9, $10)`,
    [p.id, tenantId, p.buildingId, p.apartmentId, p.currency, JSON.stringify(p.instalments), p.totalMinor, p.baselineSeq, p.note, p.createdBy],
  );
}

export async function findPromises(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<PromiseRow[]> {
  return m.query(`SELECT ${COLUMNS} FROM promises_to_pay WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
}

export async function activePromise(m: EntityManager, tenantId: string, apartmentId: string, opts: { lock?: boolean } = {}): Promise<PromiseRow | null> {
  return (
    (await m.query(`SELECT ${COLUMNS} FROM promises_to_pay WHERE tenant_id = $1 AND apartment_id = $2 AND status = 'active'${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, apartmentId]))[0] ??
    null
  );
}

/** Which of these apartments have an active promise to pay (a run's batch). */
export async function apartmentsWithActivePromise(m: EntityManager, tenantId: string, apartmentIds: readonly string[]): Promise<Set<string>> {
  const rows: { id: string }[] = await m.query(`SELECT DISTINCT apartment_id AS id FROM promises_to_pay WHERE tenant_id = $1 AND status = 'active' AND apartment_id = ANY($2::uuid[])`, [
    tenantId,
    apartmentIds,
  ]);
  return new Set(rows.map((r) => r.id));
}

/** Active promises, a batch at a time, oldest first, locked so two evaluations never resolve one twice. */
export async function activePromisesBatch(m: EntityManager, tenantId: string, afterId: string | null, limit: number): Promise<PromiseRow[]> {
  return m.query(
    `SELECT ${COLUMNS} FROM promises_to_pay WHERE tenant_id = $1 AND status = 'active' AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [tenantId, afterId, limit],
  );
}

export async function resolvePromiseRow(m: EntityManager, tenantId: string, id: string, r: { status: PromiseStatus; paidMinor: number; shortOn: string | null; on: string }): Promise<void> {
  await m.query(
    `UPDATE promises_to_pay SET status = $3, paid_minor = $4, short_on = $5, resolved_on = CASE WHEN $3 = 'active' THEN NULL ELSE $6::date END, updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, r.status, r.paidMinor, r.shortOn, r.on],
  );
}

/** Payments posted after the promise (by ledger sequence), each with the date it was reversed, if it was. */
export async function paymentsSince(m: EntityManager, tenantId: string, apartmentId: string, baselineSeq: number): Promise<PromisePayment[]> {
  return m.query(
    `SELECT to_char(p.booked_on, 'YYYY-MM-DD') AS "bookedOn", (-p.amount_minor)::float8 AS "amountMinor", to_char(r.booked_on, 'YYYY-MM-DD') AS "reversedOn"
     FROM ledger_entries p LEFT JOIN ledger_entries r ON r.reverses_id = p.id
     WHERE p.tenant_id = $1 AND p.apartment_id = $2 AND p.kind = 'payment' AND p.seq > $3
     ORDER BY p.seq`,
    [tenantId, apartmentId, baselineSeq],
  );
}

export async function lastSeq(m: EntityManager, tenantId: string, apartmentId: string): Promise<number> {
  const [r] = await m.query(`SELECT COALESCE(max(seq), 0)::float8 AS s FROM ledger_entries WHERE tenant_id = $1 AND apartment_id = $2`, [tenantId, apartmentId]);
  return r.s;
}

export function pagePromises(m: EntityManager, tenantId: string, apartmentId: string, args: PageArgs) {
  return keysetPage<PromiseRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, ({ after, take }) =>
    m.query(
      `SELECT ${COLUMNS} FROM promises_to_pay WHERE tenant_id = $1 AND apartment_id = $2 AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [tenantId, apartmentId, after?.[0] ?? null, after?.[1] ?? null, take],
    ),
  );
}
