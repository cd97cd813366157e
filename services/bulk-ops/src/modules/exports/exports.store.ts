import type { EntityManager } from 'typeorm';

export interface ExportRow {
  id: string;
  building_id: string;
  job_id: string | null;
  dataset: string;
  format: string;
  filename: string;
  content_type: string;
  rows: number;
  sha256: string;
  created_by: string;
  created_at: Date;
}

export async function insertExport(
  m: EntityManager,
  tenantId: string,
  e: { id: string; buildingId: string; jobId: string | null; dataset: string; format: string; filename: string; contentType: string; content: Buffer; rows: number; sha256: string; createdBy: string },
): Promise<void> {
  await m.query(
    `INSERT INTO bulk_exports (id, tenant_id, building_id, job_id, dataset, format, filename, content_type, content, rows, sha256, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [e.id, tenantId, e.buildingId, e.jobId, e.dataset, e.format, e.filename, e.contentType, e.content, e.rows, e.sha256, e.createdBy],
  );
}

/** The export without its content (RLS fences tenant and scope). */
export async function findExport(m: EntityManager, tenantId: string, id: string): Promise<ExportRow | null> {
  return (await m.query(`SELECT id, building_id, job_id, dataset, format, filename, content_type, rows, sha256, created_by, created_at FROM bulk_exports WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0] ?? null;
}

export async function exportContent(m: EntityManager, tenantId: string, id: string): Promise<(ExportRow & { content: Buffer }) | null> {
  return (await m.query(`SELECT * FROM bulk_exports WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0] ?? null;
}
