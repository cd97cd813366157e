import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';
import type { ApartmentFields, BuildingFields, PartyFields, ShareLine } from './building';

/** Reads and writes of buildings, apartments and parties; row-level security scopes every query to the caller's tenant. */

export interface BuildingRow extends BuildingFields {
  id: string;
  sharesSetAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApartmentRow extends ApartmentFields {
  id: string;
  buildingId: string;
  ownershipShare: number | null;
  heatingShare: number | null;
  otherShare: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PartyRow extends PartyFields {
  id: string;
  apartmentId: string;
  buildingId: string;
  erasedAt: Date | null;
  createdAt: Date;
}

const BUILDING_COLUMNS = `id, name, address_line1 AS line1, address_line2 AS line2, city, postcode, country, currency,
  shares_set_at AS "sharesSetAt", created_at AS "createdAt", updated_at AS "updatedAt"`;
const APARTMENT_COLUMNS = `id, building_id AS "buildingId", unit, floor, payment_reference AS "paymentReference",
  ownership_share AS "ownershipShare", heating_share AS "heatingShare", other_share AS "otherShare", created_at AS "createdAt", updated_at AS "updatedAt"`;
const PARTY_COLUMNS = `id, apartment_id AS "apartmentId", building_id AS "buildingId", role, name, email, phone, postal_address AS "postalAddress",
  preferred_channel AS "preferredChannel", consent_email, consent_sms, consent_letter, erased_at AS "erasedAt", created_at AS "createdAt"`;

const toParty = (r: Record<string, any>): PartyRow => {
  const { consent_email, consent_sms, consent_letter, ...rest } = r;
  return { ...(rest as PartyRow), consent: { email: consent_email, sms: consent_sms, letter: consent_letter } };
};

export async function insertBuilding(m: EntityManager, tenantId: string, id: string, b: BuildingFields): Promise<void> {
  await m.query(
    `INSERT INTO buildings (id, tenant_id, name, address_line1, address_line2, city, postcode, country, currency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, tenantId, b.name, b.line1, b.line2, b.city, b.postcode, b.country, b.currency],
  );
}

export async function updateBuildingRow(m: EntityManager, tenantId: string, id: string, b: BuildingFields): Promise<void> {
  await m.query(
    `UPDATE buildings SET name = $3, address_line1 = $4, address_line2 = $5, city = $6, postcode = $7, country = $8, currency = $9, updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, b.name, b.line1, b.line2, b.city, b.postcode, b.country, b.currency],
  );
}

export async function findBuildings(m: EntityManager, tenantId: string, ids: readonly string[], opts: { lock?: boolean } = {}): Promise<BuildingRow[]> {
  return m.query(`SELECT ${BUILDING_COLUMNS} FROM buildings WHERE tenant_id = $1 AND id = ANY($2::uuid[])${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, ids]);
}

export async function findBuilding(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<BuildingRow | null> {
  return (await findBuildings(m, tenantId, [id], opts))[0] ?? null;
}

export function pageBuildings(m: EntityManager, tenantId: string, args: PageArgs) {
  return keysetPage<BuildingRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, ({ after, take }) =>
    m.query(
      `SELECT ${BUILDING_COLUMNS} FROM buildings WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [tenantId, after?.[0] ?? null, after?.[1] ?? null, take],
    ),
  );
}

export async function deleteBuildingRow(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`DELETE FROM buildings WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

export async function markSharesSet(m: EntityManager, tenantId: string, buildingId: string, set: boolean): Promise<void> {
  await m.query(`UPDATE buildings SET shares_set_at = ${set ? 'now()' : 'NULL'}, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, buildingId]);
}

export async function insertApartment(m: EntityManager, tenantId: string, id: string, buildingId: string, a: ApartmentFields): Promise<void> {
  await m.query(`INSERT INTO apartments (id, tenant_id, building_id, unit, floor, payment_reference) VALUES ($1, $2, $3, $4, $5, $6)`, [
    id,
    tenantId,
    buildingId,
    a.unit,
    a.floor,
    a.paymentReference,
  ]);
}

export async function updateApartmentRow(m: EntityManager, tenantId: string, id: string, a: ApartmentFields): Promise<void> {
  await m.query(`UPDATE apartments SET unit = $3, floor = $4, payment_reference = $5, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
    a.unit,
    a.floor,
    a.paymentReference,
  ]);
}

export async function findApartments(m: EntityManager, tenantId: string, ids: readonly string[], opts: { lock?: boolean } = {}): Promise<ApartmentRow[]> {
  return m.query(`SELECT ${APARTMENT_COLUMNS} FROM apartments WHERE tenant_id = $1 AND id = ANY($2::uuid[])${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, ids]);
}

export async function findApartment(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<ApartmentRow | null> {
  return (await findApartments(m, tenantId, [id], opts))[0] ?? null;
}

export async function apartmentByReference(m: EntityManager, tenantId: string, reference: string): Promise<ApartmentRow | null> {
  return (await m.query(`SELECT ${APARTMENT_COLUMNS} FROM apartments WHERE tenant_id = $1 AND payment_reference = $2`, [tenantId, reference]))[0] ?? null;
}

export async function apartmentsOfBuilding(m: EntityManager, tenantId: string, buildingId: string): Promise<ApartmentRow[]> {
  return m.query(`SELECT ${APARTMENT_COLUMNS} FROM apartments WHERE tenant_id = $1 AND building_id = $2 ORDER BY created_at, id`, [tenantId, buildingId]);
}

export function pageApartments(m: EntityManager, tenantId: string, buildingId: string | null, args: PageArgs) {
  return keysetPage<ApartmentRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, ({ after, take }) =>
    m.query(
      `SELECT ${APARTMENT_COLUMNS} FROM apartments
       WHERE tenant_id = $1 AND ($2::uuid IS NULL OR building_id = $2) AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [tenantId, buildingId, after?.[0] ?? null, after?.[1] ?? null, take],
    ),
  );
}

export async function deleteApartmentRow(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`DELETE FROM apartment_parties WHERE tenant_id = $1 AND apartment_id = $2`, [tenantId, id]);
  await m.query(`DELETE FROM apartments WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

export async function writeShares(m: EntityManager, tenantId: string, lines: readonly ShareLine[]): Promise<void> {
  await m.query(
    `UPDATE apartments a SET ownership_share = s.o, heating_share = s.h, other_share = s.x, updated_at = now()
     FROM unnest($2::uuid[], $3::int[], $4::int[], $5::int[]) AS s(id, o, h, x)
     WHERE a.tenant_id = $1 AND a.id = s.id`,
    [tenantId, lines.map((l) => l.apartmentId), lines.map((l) => l.ownershipShare), lines.map((l) => l.heatingShare), lines.map((l) => l.otherShare)],
  );
}

export async function insertParty(m: EntityManager, tenantId: string, id: string, apt: ApartmentRow, p: PartyFields): Promise<void> {
  await m.query(
    `INSERT INTO apartment_parties (id, tenant_id, building_id, apartment_id, role, name, email, phone, postal_address, preferred_channel,
       consent_email, consent_sms, consent_letter, consent_recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())`,
    [id, tenantId, apt.buildingId, apt.id, p.role, p.name, p.email, p.phone, p.postalAddress, p.preferredChannel, p.consent.email, p.consent.sms, p.consent.letter],
  );
}

export async function updatePartyRow(m: EntityManager, tenantId: string, id: string, p: PartyFields, consentChanged: boolean): Promise<void> {
  await m.query(
    `UPDATE apartment_parties SET role = $3, name = $4, email = $5, phone = $6, postal_address = $7, preferred_channel = $8,
       consent_email = $9, consent_sms = $10, consent_letter = $11, consent_recorded_at = CASE WHEN $12 THEN now() ELSE consent_recorded_at END, updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, p.role, p.name, p.email, p.phone, p.postalAddress, p.preferredChannel, p.consent.email, p.consent.sms, p.consent.letter, consentChanged],
  );
}

/** Blanks a party's personal data for good; the row (and so the apartment's history and ledger) stays. */
export async function erasePartyRow(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(
    `UPDATE apartment_parties SET name = NULL, email = NULL, phone = NULL, postal_address = NULL, preferred_channel = 'letter',
       consent_email = false, consent_sms = false, consent_letter = false, erased_at = now(), updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
}

export async function findParty(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<PartyRow | null> {
  const rows = await m.query(`SELECT ${PARTY_COLUMNS} FROM apartment_parties WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return rows[0] ? toParty(rows[0]) : null;
}

export async function partiesOfApartments(m: EntityManager, tenantId: string, apartmentIds: readonly string[]): Promise<PartyRow[]> {
  const rows = await m.query(`SELECT ${PARTY_COLUMNS} FROM apartment_parties WHERE tenant_id = $1 AND apartment_id = ANY($2::uuid[]) ORDER BY created_at, id`, [
    tenantId,
    apartmentIds,
  ]);
  return rows.map(toParty);
}

export async function buildingShareTotals(m: EntityManager, tenantId: string, buildingIds: readonly string[]): Promise<{ buildingId: string; shares: (number | null)[] }[]> {
  const rows: { building_id: string; shares: (number | null)[] }[] = await m.query(
    `SELECT building_id, array_agg(ownership_share) AS shares FROM apartments WHERE tenant_id = $1 AND building_id = ANY($2::uuid[]) GROUP BY building_id`,
    [tenantId, buildingIds],
  );
  return rows.map((r) => ({ buildingId: r.building_id, shares: r.shares }));
}

/** Whether an apartment has anything in the ledger (then it may not be deleted). */
export async function apartmentHasLedger(m: EntityManager, tenantId: string, apartmentId: string): Promise<boolean> {
  return (await m.query(`SELECT 1 FROM ledger_entries WHERE tenant_id = $1 AND apartment_id = $2 LIMIT 1`, [tenantId, apartmentId])).length > 0;
}

/**
 * The owner a reminder to the apartment would reach (the first owner added, erased ones skipped):
 * their channel, consent and which details are present — never the details themselves.
 */
export async function reminderContactOf(m: EntityManager, tenantId: string, apartmentId: string): Promise<ReminderContact | null> {
  const [r] = await m.query(
    `SELECT id, preferred_channel, consent_email, consent_sms, consent_letter, email IS NOT NULL AS has_email, phone IS NOT NULL AS has_phone
       FROM apartment_parties WHERE tenant_id = $1 AND apartment_id = $2 AND role = 'owner' AND erased_at IS NULL ORDER BY created_at, id LIMIT 1`,
    [tenantId, apartmentId],
  );
  if (!r) return null;
  return {
    partyId: r.id,
    preferredChannel: r.preferred_channel,
    consent: { email: r.consent_email, sms: r.consent_sms, letter: r.consent_letter },
    // A letter without the owner's postal address goes to the apartment, which always has one.
    reachable: { email: r.has_email, sms: r.has_phone, letter: true },
  };
}

export interface ReminderContact {
  partyId: string;
  preferredChannel: 'email' | 'sms' | 'letter';
  consent: { email: boolean; sms: boolean; letter: boolean };
  reachable: { email: boolean; sms: boolean; letter: boolean };
}
