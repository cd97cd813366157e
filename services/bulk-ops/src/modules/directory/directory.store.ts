import type { EntityManager } from 'typeorm';

/** An apartment with its share and balance, as the jobs' preview reads it. */
export interface DirectoryApartment {
  apartmentId: string;
  buildingId: string;
  unit: string;
  ownershipShare: number | null;
  balanceMinor: number;
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

export async function upsertApartment(m: EntityManager, tenantId: string, a: { id: string; buildingId: string; unit: string; ownershipShare: number | null }): Promise<void> {
  await m.query(
    `INSERT INTO directory_apartments (id, tenant_id, building_id, unit, ownership_share) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET building_id = EXCLUDED.building_id, unit = EXCLUDED.unit, ownership_share = EXCLUDED.ownership_share, deleted_at = NULL, updated_at = now()`,
    [a.id, tenantId, a.buildingId, a.unit, a.ownershipShare],
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

/** A building as the preview needs it; null when unknown, deleted or outside the caller's scope. */
export async function buildingFact(m: EntityManager, tenantId: string, id: string): Promise<{ buildingId: string; name: string; currency: string } | null> {
  const [row] = await m.query(`SELECT id, name, currency FROM directory_buildings WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`, [tenantId, id]);
  return row ? { buildingId: row.id, name: row.name, currency: row.currency } : null;
}

/** The building's apartments (not deleted) with their ownership shares and balances. */
export async function apartmentFacts(m: EntityManager, tenantId: string, buildingId: string): Promise<DirectoryApartment[]> {
  const rows: { id: string; building_id: string; unit: string; ownership_share: number | null; balance_minor: string | null }[] = await m.query(
    `SELECT a.id, a.building_id, a.unit, a.ownership_share, b.balance_minor
       FROM directory_apartments a LEFT JOIN directory_balances b ON b.apartment_id = a.id
      WHERE a.tenant_id = $1 AND a.building_id = $2 AND a.deleted_at IS NULL`,
    [tenantId, buildingId],
  );
  return rows.map((r) => ({ apartmentId: r.id, buildingId: r.building_id, unit: r.unit, ownershipShare: r.ownership_share, balanceMinor: Number(r.balance_minor ?? 0) }));
}
