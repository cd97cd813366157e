import type { EntityManager } from 'typeorm';
import { isUuid, parsePage, toConnection, type PageArgs } from '@commonhold/kit';
import { HOLDS_PLACE, type SignupStatus } from './signup';

/** Reads and writes of signups (V4S hours), tenant first. */

export interface SignupRow {
  id: string;
  shiftId: string;
  contactId: string | null;
  status: SignupStatus;
  waitlisted: boolean;
  minutes: number | null;
  matchRequestId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PublicPerson {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  postcode: string | null;
}

const COLUMNS = `id, shift_id AS "shiftId", contact_id AS "contactId", status, waitlisted, minutes, match_request_id AS "matchRequestId", created_at AS "createdAt", updated_at AS "updatedAt"`;
const HOLDING = `status IN (${HOLDS_PLACE.map((s) => `'${s}'`).join(', ')})`;

/** Places taken on a shift: signups in a place-holding status that are not waiting. Call with the shift locked. */
export async function takenPlaces(m: EntityManager, tenantId: string, shiftId: string): Promise<number> {
  const [r] = await m.query(`SELECT count(*)::int AS n FROM volunteer_signups WHERE tenant_id = $1 AND shift_id = $2 AND ${HOLDING} AND NOT waitlisted`, [tenantId, shiftId]);
  return r.n;
}

export async function insertSignup(
  m: EntityManager,
  tenantId: string,
  s: { id: string; shiftId: string; contactId: string | null; status: SignupStatus; waitlisted: boolean; matchRequestId: string | null; person?: PublicPerson; consent?: { email: boolean; sms: boolean } },
): Promise<void> {
  await m.query(
    `INSERT INTO volunteer_signups (tenant_id, id, shift_id, contact_id, status, waitlisted, match_request_id, first_name, last_name, email, phone, postcode, consent_email, consent_sms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [tenantId, s.id, s.shiftId, s.contactId, s.status, s.waitlisted, s.matchRequestId, s.person?.firstName ?? null, s.person?.lastName ?? null, s.person?.email ?? null, s.person?.phone ?? null, s.person?.postcode ?? null, s.consent?.email ?? false, s.consent?.sms ?? false],
  );
}

export async function findSignup(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<SignupRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await m.query(`SELECT ${COLUMNS} FROM volunteer_signups WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

export async function signupsByIds(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<(SignupRow | null)[]> {
  const rows: SignupRow[] = await m.query(`SELECT ${COLUMNS} FROM volunteer_signups WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids.filter(isUuid)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The web sign-up waiting on a contact match, with the person's fields (optionally locked), or null. */
export async function findByMatchRequest(m: EntityManager, tenantId: string, requestId: string, opts: { lock?: boolean } = {}): Promise<(SignupRow & PublicPerson & { consentEmail: boolean; consentSms: boolean }) | null> {
  const [row] = await m.query(
    `SELECT ${COLUMNS}, first_name AS "firstName", last_name AS "lastName", email, phone, postcode, consent_email AS "consentEmail", consent_sms AS "consentSms"
       FROM volunteer_signups WHERE tenant_id = $1 AND match_request_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
    [tenantId, requestId],
  );
  return row ?? null;
}

/** A contact's live signup on a shift other than `exceptId` (one per contact and shift). */
export async function liveSignupOf(m: EntityManager, tenantId: string, shiftId: string, contactId: string, exceptId: string | null = null): Promise<SignupRow | null> {
  const [row] = await m.query(
    `SELECT ${COLUMNS} FROM volunteer_signups WHERE tenant_id = $1 AND shift_id = $2 AND contact_id = $3 AND status <> 'CANCELED' AND id IS DISTINCT FROM $4::uuid`,
    [tenantId, shiftId, contactId, exceptId],
  );
  return row ?? null;
}

export async function updateSignup(m: EntityManager, tenantId: string, id: string, patch: { status?: SignupStatus; minutes?: number | null; waitlisted?: boolean }): Promise<void> {
  await m.query(
    `UPDATE volunteer_signups SET status = COALESCE($3, status), minutes = CASE WHEN $4 THEN $5::int ELSE minutes END, waitlisted = COALESCE($6, waitlisted), updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, patch.status ?? null, 'minutes' in patch, patch.minutes ?? null, patch.waitlisted ?? null],
  );
}

/** Links a web sign-up to its matched contact and forgets the person's fields (fundraising holds them now). */
export async function linkContact(m: EntityManager, tenantId: string, id: string, contactId: string): Promise<void> {
  await m.query(
    `UPDATE volunteer_signups SET contact_id = $3, first_name = NULL, last_name = NULL, email = NULL, phone = NULL, postcode = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, contactId],
  );
}

/**
 * Gives free places to waiting signups, oldest first, until the shift is full. Call with the shift
 * locked. Returns the promoted signups' ids.
 */
export async function promoteWaitlist(m: EntityManager, tenantId: string, shiftId: string, capacity: number): Promise<string[]> {
  const free = capacity - (await takenPlaces(m, tenantId, shiftId));
  if (free <= 0) return [];
  const rows: { id: string }[] = await m.query(
    `UPDATE volunteer_signups SET waitlisted = false, updated_at = now() WHERE tenant_id = $1 AND id IN (
       SELECT id FROM volunteer_signups WHERE tenant_id = $1 AND shift_id = $2 AND waitlisted AND ${HOLDING} ORDER BY created_at, id LIMIT $3
     ) RETURNING id`,
    [tenantId, shiftId, free],
  );
  return rows.map((r) => r.id);
}

/** A shift's signups, oldest first, keyset-paged. */
export async function pageSignups(m: EntityManager, tenantId: string, shiftId: string, args: PageArgs) {
  const { limit, after } = parsePage(args, 500, 100, ['instant', 'uuid']);
  const rows: SignupRow[] = await m.query(
    `SELECT ${COLUMNS} FROM volunteer_signups WHERE tenant_id = $1 AND shift_id = $2 AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
     ORDER BY created_at, id LIMIT $5`,
    [tenantId, shiftId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
  );
  return toConnection(rows, limit, (r) => [new Date(r.createdAt).toISOString(), r.id], !!after);
}

