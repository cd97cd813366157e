import type { EntityManager } from 'typeorm';

/** An apartment with its share and balance, as the jobs' preview reads it. */
export interface DirectoryApartment {
  apartmentId: string;
  buildingId: string;
  unit: string;
  ownershipShare: number | null;
  floor: number | null;
  balanceMinor: number;
  /** Who a reminder would reach (null: no owner on record; undefined never happens — absent contact rows read as null). */
  owner: ContactOwner | null;
}

/** The owner summary collections publishes (apartment-contact.changed): no personal data. */
export interface ContactOwner {
  partyId: string;
  preferredChannel: 'email' | 'sms' | 'letter';
  consent: { email: boolean; sms: boolean; letter: boolean };
  reachable: { email: boolean; sms: boolean; letter: boolean };
}

/** Reads and writes of the projection; tenantId first, row-level security fences tenant and scope. */

export async function upsertBuilding(m: EntityManager, tenantId: string, b: { id: string; name: string; currency: string }): Promise<void> {
  await m.query(
    `INSERT INTO directory_buildings (id, tenant_id, name, currency) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, currency = EXCLUDED.currency, updated_at = now()`,
    [b.id, tenantId, b.name, b.currency],
  );
}

export async function deleteBuilding(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`UPDATE directory_buildings SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

export async function upsertApartment(m: EntityManager, tenantId: string, a: { id: string; buildingId: string; unit: string; floor: number | null; ownershipShare: number | null }): Promise<void> {
  await m.query(
    `INSERT INTO directory_apartments (id, tenant_id, building_id, unit, floor, ownership_share) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET building_id = EXCLUDED.building_id, unit = EXCLUDED.unit, floor = EXCLUDED.floor, ownership_share = EXCLUDED.ownership_share, deleted_at = NULL, updated_at = now()`,
    [a.id, tenantId, a.buildingId, a.unit, a.floor, a.ownershipShare],
  );
}

/** Who a reminder to the apartment would reach, as collections last said (full state: an upsert). */
export async function upsertContact(m: EntityManager, tenantId: string, c: { apartmentId: string; buildingId: string; owner: ContactOwner | null }): Promise<void> {
  await m.query(
    `INSERT INTO directory_contacts (apartment_id, tenant_id, building_id, owner) VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (apartment_id) DO UPDATE SET building_id = EXCLUDED.building_id, owner = EXCLUDED.owner, updated_at = now()`,
    [c.apartmentId, tenantId, c.buildingId, JSON.stringify(c.owner)],
  );
}

export async function deleteApartment(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`UPDATE directory_apartments SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

/** Adds a posted ledger entry's signed amount to the apartment's balance (the inbox makes it once per event). */
export async function addToBalance(m: EntityManager, tenantId: string, e: { apartmentId: string; buildingId: string; currency: string; amountMinor: number }): Promise<void> {
  await m.query(
    `INSERT INTO directory_balances (apartment_id, tenant_id, building_id, currency, balance_minor, entries) VALUES ($1, $2, $3, $4, $5, 1)
     ON CONFLICT (apartment_id) DO UPDATE SET balance_minor = directory_balances.balance_minor + EXCLUDED.balance_minor, entries = directory_balances.entries + 1, updated_at = now()`,
    [e.apartmentId, tenantId, e.buildingId, e.currency, e.amountMinor],
  );
}

/**
 * Many ledger entries at once (the projection's batch path): summed per apartment first, then one
 * upsert — the same balances and entry counts as `addToBalance` for each entry in turn.
 */
export async function addToBalances(m: EntityManager, tenantId: string, entries: { apartmentId: string; buildingId: string; currency: string; amountMinor: number }[]): Promise<void> {
  const per = new Map<string, { buildingId: string; currency: string; sum: number; n: number }>();
  for (const e of entries) {
    const t = per.get(e.apartmentId);
    if (t) {
      t.sum += e.amountMinor;
      t.n++;
    } else per.set(e.apartmentId, { buildingId: e.buildingId, currency: e.currency, sum: e.amountMinor, n: 1 });
  }
  const rows = [...per];
  await m.query(
    `INSERT INTO directory_balances (apartment_id, tenant_id, building_id, currency, balance_minor, entries)
     SELECT a, $1, b, c, s, n FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::int[]) AS x(a, b, c, s, n)
     ON CONFLICT (apartment_id) DO UPDATE SET balance_minor = directory_balances.balance_minor + EXCLUDED.balance_minor, entries = directory_balances.entries + EXCLUDED.entries, updated_at = now()`,
    [tenantId, rows.map(([a]) => a), rows.map(([, t]) => t.buildingId), rows.map(([, t]) => t.currency), rows.map(([, t]) => t.sum), rows.map(([, t]) => t.n)],
  );
}

/** A building as the preview needs it; null when unknown, deleted or outside the caller's scope. */
export async function buildingFact(m: EntityManager, tenantId: string, id: string): Promise<{ buildingId: string; name: string; currency: string } | null> {
  const [row] = await m.query(`SELECT id, name, currency FROM directory_buildings WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`, [tenantId, id]);
  return row ? { buildingId: row.id, name: row.name, currency: row.currency } : null;
}

/** The buildings' apartments (not deleted) with their floors, ownership shares, balances and reminder contacts. */
export async function apartmentFacts(m: EntityManager, tenantId: string, buildingId: string | string[]): Promise<DirectoryApartment[]> {
  const rows: { id: string; building_id: string; unit: string; floor: number | null; ownership_share: number | null; balance_minor: string | null; owner: ContactOwner | null }[] = await m.query(
    `SELECT a.id, a.building_id, a.unit, a.floor, a.ownership_share, b.balance_minor, c.owner
       FROM directory_apartments a LEFT JOIN directory_balances b ON b.apartment_id = a.id LEFT JOIN directory_contacts c ON c.apartment_id = a.id
      WHERE a.tenant_id = $1 AND a.building_id = ANY($2::uuid[]) AND a.deleted_at IS NULL`,
    [tenantId, Array.isArray(buildingId) ? buildingId : [buildingId]],
  );
  return rows.map((r) => ({
    apartmentId: r.id,
    buildingId: r.building_id,
    unit: r.unit,
    floor: r.floor,
    ownershipShare: r.ownership_share,
    balanceMinor: Number(r.balance_minor ?? 0),
    owner: r.owner ?? null,
  }));
}
