import type { EntityManager } from 'typeorm';

/** An apartment of a building as a vote's eligibility needs it. */
export interface DirectoryApartment {
  apartmentId: string;
  buildingId: string;
  unit: string;
  ownershipShare: number | null;
}

/** Reads and writes of the projection; tenantId first, row-level security fences tenant and scope. */

export async function upsertBuilding(m: EntityManager, tenantId: string, b: { id: string; name: string; currency: string }): Promise<void> {
  await m.query(
    `INSERT INTO voting_buildings (id, tenant_id, name, currency) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, currency = EXCLUDED.currency, deleted_at = NULL, updated_at = now()`,
    [b.id, tenantId, b.name, b.currency],
  );
}

export async function deleteBuilding(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`UPDATE voting_buildings SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

export async function upsertApartment(m: EntityManager, tenantId: string, a: { id: string; buildingId: string; unit: string; ownershipShare: number | null }): Promise<void> {
  await m.query(
    `INSERT INTO voting_apartments (id, tenant_id, building_id, unit, ownership_share) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET building_id = EXCLUDED.building_id, unit = EXCLUDED.unit, ownership_share = EXCLUDED.ownership_share, deleted_at = NULL, updated_at = now()`,
    [a.id, tenantId, a.buildingId, a.unit, a.ownershipShare],
  );
}

export async function deleteApartment(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`UPDATE voting_apartments SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

/** A building as votes need it; null when unknown, deleted or outside the caller's scope. */
export async function findBuilding(m: EntityManager, tenantId: string, id: string): Promise<{ buildingId: string; name: string; currency: string } | null> {
  const [row] = await m.query(`SELECT id, name, currency FROM voting_buildings WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`, [tenantId, id]);
  return row ? { buildingId: row.id, name: row.name, currency: row.currency } : null;
}

/** The building's apartments (not deleted) with their ownership shares, by unit. */
export async function buildingApartments(m: EntityManager, tenantId: string, buildingId: string): Promise<DirectoryApartment[]> {
  const rows: { id: string; building_id: string; unit: string; ownership_share: number | null }[] = await m.query(
    `SELECT id, building_id, unit, ownership_share FROM voting_apartments WHERE tenant_id = $1 AND building_id = $2 AND deleted_at IS NULL ORDER BY unit, id`,
    [tenantId, buildingId],
  );
  return rows.map((r) => ({ apartmentId: r.id, buildingId: r.building_id, unit: r.unit, ownershipShare: r.ownership_share }));
}
