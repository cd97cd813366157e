import type { EntityManager } from 'typeorm';

/** vendors' copy of collections' buildings (services never read each other's databases); tenantId first. */
export async function upsertBuilding(m: EntityManager, tenantId: string, b: { id: string; name: string; currency: string }): Promise<void> {
  await m.query(
    `INSERT INTO directory_buildings (id, tenant_id, name, currency) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, currency = EXCLUDED.currency, deleted_at = NULL, updated_at = now()`,
    [b.id, tenantId, b.name, b.currency],
  );
}

export async function deleteBuilding(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`UPDATE directory_buildings SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

/** A building as work orders need it; null when unknown, deleted or outside the caller's scope. */
export async function buildingFact(m: EntityManager, tenantId: string, id: string): Promise<{ buildingId: string; name: string; currency: string } | null> {
  const [row] = await m.query(`SELECT id, name, currency FROM directory_buildings WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`, [tenantId, id]);
  return row ? { buildingId: row.id, name: row.name, currency: row.currency } : null;
}
