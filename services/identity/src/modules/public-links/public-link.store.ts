import type { EntityManager } from 'typeorm';
import type { Scope } from '../../shared/scope-rules';

export interface PublicLinkRow {
  id: string;
  tenantId: string;
  purpose: string;
  subjectId: string;
  scope: Scope;
  maxUses: number;
  uses: number;
  expiresAt: Date;
  revokedAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

const COLUMNS = 'id, tenant_id, purpose, subject_id, scope, max_uses, uses, expires_at, revoked_at, created_by, created_at';
const toRow = (r: Record<string, any>): PublicLinkRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  purpose: r.purpose,
  subjectId: r.subject_id,
  scope: r.scope,
  maxUses: r.max_uses,
  uses: r.uses,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Reads and writes of public links; row-level security scopes each to the caller's tenant. */
export async function insertLink(m: EntityManager, tenantId: string, row: Omit<PublicLinkRow, 'tenantId' | 'uses' | 'revokedAt' | 'createdAt'>): Promise<void> {
  await m.query('INSERT INTO public_links (id, tenant_id, purpose, subject_id, scope, max_uses, expires_at, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)', [
    row.id,
    tenantId,
    row.purpose,
    row.subjectId,
    JSON.stringify(row.scope),
    row.maxUses,
    row.expiresAt,
    row.createdBy,
  ]);
}

export async function findLink(m: EntityManager, tenantId: string, id: string): Promise<PublicLinkRow | null> {
  const [r] = await m.query(`SELECT ${COLUMNS} FROM public_links WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r ? toRow(r) : null;
}

/** Counts one use if the link is live (not revoked, not expired, uses left): one statement, so two redeemers cannot both take the last use. */
export async function takeUse(m: EntityManager, tenantId: string, id: string): Promise<PublicLinkRow | null> {
  // TypeORM answers an UPDATE … RETURNING with [rows, count].
  const [rows] = await m.query(
    `UPDATE public_links SET uses = uses + 1
     WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL AND expires_at > now() AND uses < max_uses
     RETURNING ${COLUMNS}`,
    [tenantId, id],
  );
  return rows?.[0] ? toRow(rows[0]) : null;
}

export async function revokeLink(m: EntityManager, tenantId: string, id: string): Promise<PublicLinkRow | null> {
  const [rows] = await m.query(`UPDATE public_links SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [tenantId, id]);
  return rows?.[0] ? toRow(rows[0]) : null;
}
