import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';
import type { StatementLine } from './bank-statement';

/** Bank statements and their lines; unmatched lines are the office's queue. */

export interface BankLineRow extends StatementLine {
  id: string;
  statementId: string;
  status: 'matched' | 'unmatched' | 'resolved' | 'ignored' | 'duplicate';
  reason: string | null;
  apartmentId: string | null;
  entryId: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

const LINE_COLUMNS = `id, statement_id AS "statementId", line_no AS "lineNo", to_char(booked_on, 'YYYY-MM-DD') AS "bookedOn", amount_minor::float8 AS "amountMinor",
  currency, reference, counterparty, bank_tx_id AS "bankTxId", status, reason, apartment_id AS "apartmentId", entry_id AS "entryId",
  resolved_by AS "resolvedBy", resolved_at AS "resolvedAt", created_at AS "createdAt"`;

export async function statementBySha(m: EntityManager, tenantId: string, sha: string): Promise<{ id: string } | null> {
  return (await m.query(`SELECT id FROM bank_statements WHERE tenant_id = $1 AND file_sha256 = $2`, [tenantId, sha]))[0] ?? null;
}

export async function insertStatement(m: EntityManager, tenantId: string, s: { id: string; format: string; sha: string; filename: string | null; lineCount: number; createdBy: string }): Promise<void> {
  await m.query(
    `INSERT INTO bank_statements (id, tenant_id, format, file_sha256, filename, line_count, matched_count, created_by) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)`,
    [s.id, tenantId, s.format, s.sha, s.filename, s.lineCount, s.createdBy],
  );
}

export async function setMatchedCount(m: EntityManager, tenantId: string, id: string, matched: number): Promise<void> {
  await m.query(`UPDATE bank_statements SET matched_count = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, matched]);
}

export async function findStatement(m: EntityManager, tenantId: string, id: string) {
  return (
    await m.query(
      `SELECT id, format, filename, line_count AS "lineCount", matched_count AS "matchedCount", created_at AS "createdAt" FROM bank_statements WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    )
  )[0] ?? null;
}

export async function insertLine(
  m: EntityManager,
  tenantId: string,
  l: StatementLine & { id: string; statementId: string; status: BankLineRow['status']; reason: string | null; buildingId: string | null; apartmentId: string | null },
): Promise<void> {
  await m.query(
    `INSERT INTO bank_lines (id, tenant_id, statement_id, line_no, booked_on, amount_minor, currency, reference, counterparty, bank_tx_id, status, reason, building_id, apartment_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [l.id, tenantId, l.statementId, l.lineNo, l.bookedOn, l.amountMinor, l.currency, l.reference, l.counterparty, l.bankTxId, l.status, l.reason, l.buildingId, l.apartmentId],
  );
}

export async function linkEntry(m: EntityManager, tenantId: string, lineId: string, entryId: string): Promise<void> {
  await m.query(`UPDATE bank_lines SET entry_id = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, lineId, entryId]);
}

export async function bankTxSeen(m: EntityManager, tenantId: string, bankTxId: string): Promise<boolean> {
  return (await m.query(`SELECT 1 FROM bank_lines WHERE tenant_id = $1 AND bank_tx_id = $2 AND status <> 'duplicate'`, [tenantId, bankTxId])).length > 0;
}

export async function findLine(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<BankLineRow | null> {
  return (await m.query(`SELECT ${LINE_COLUMNS} FROM bank_lines WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]))[0] ?? null;
}

export async function closeLine(
  m: EntityManager,
  tenantId: string,
  id: string,
  c: { status: 'resolved' | 'ignored'; reason: string | null; buildingId: string | null; apartmentId: string | null; entryId: string | null; by: string },
): Promise<void> {
  await m.query(
    `UPDATE bank_lines SET status = $3, reason = COALESCE($4, reason), building_id = $5, apartment_id = $6, entry_id = $7, resolved_by = $8, resolved_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, c.status, c.reason, c.buildingId, c.apartmentId, c.entryId, c.by],
  );
}

export function pageLines(m: EntityManager, tenantId: string, filter: { status: string | null; statementId: string | null }, args: PageArgs) {
  return keysetPage<BankLineRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, ({ after, take }) =>
    m.query(
      `SELECT ${LINE_COLUMNS} FROM bank_lines
       WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR statement_id = $3)
         AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [tenantId, filter.status, filter.statementId, after?.[0] ?? null, after?.[1] ?? null, take],
    ),
  );
}
