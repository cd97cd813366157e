import type { EntityManager } from 'typeorm';

export interface WorkOrderLinkRow {
  id: string;
  tenant_id: string;
  work_order_id: string;
  building_id: string;
  vendor_id: string;
  expires_at: Date;
  identity_key: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
}

export async function insertLink(m: EntityManager, tenantId: string, l: { id: string; workOrderId: string; buildingId: string; vendorId: string; expiresAt: Date; identityKey: string; createdBy: string }): Promise<void> {
  await m.query(
    `INSERT INTO work_order_links (id, tenant_id, work_order_id, building_id, vendor_id, expires_at, identity_key, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING`,
    [l.id, tenantId, l.workOrderId, l.buildingId, l.vendorId, l.expiresAt, l.identityKey, l.createdBy],
  );
}

export async function findLink(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<WorkOrderLinkRow | null> {
  const [row] = await m.query(`SELECT * FROM work_order_links WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

/** Marks the link revoked (the first revocation's time and actor stay). */
export async function markRevoked(m: EntityManager, tenantId: string, id: string, actor: string): Promise<void> {
  await m.query(`UPDATE work_order_links SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $3) WHERE tenant_id = $1 AND id = $2`, [tenantId, id, actor]);
}
