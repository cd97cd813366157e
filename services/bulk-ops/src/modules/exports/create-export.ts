import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, oneOf, writeAudit } from '@commonhold/kit';
import { apartmentFacts, buildingFact } from '../directory';
import type { Command } from '../jobs/manage-templates';
import { CONTENT_TYPES, EXPORT_DATASETS, EXPORT_FORMATS, render, type Table } from './export-file';
import { insertExport } from './exports.store';

/** Natural unit order ("Flat 2" before "Flat 10"), one collator for every comparison. */
const units = new Intl.Collator('en', { numeric: true });

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

/** A building's balances as bulk-ops' directory holds them (what a dry run shows as "before"). */
async function balances(m: EntityManager, tenantId: string, buildingId: unknown): Promise<{ buildingId: string; name: string; table: Table }> {
  if (!isUuid(buildingId)) throw badInput('input.buildingId', 'A balances export needs buildingId');
  const b = await buildingFact(m, tenantId, buildingId);
  if (!b) throw notFound('input.buildingId', 'No such building');
  const apartments = (await apartmentFacts(m, tenantId, b.buildingId)).sort((x, y) => units.compare(x.unit, y.unit) || x.apartmentId.localeCompare(y.apartmentId));
  return {
    buildingId: b.buildingId,
    name: `balances-${b.name}`,
    table: {
      header: ['building', 'unit', 'apartment_id', 'ownership_share', 'balance_minor', 'currency'],
      rows: apartments.map((a) => [b.name, a.unit, a.apartmentId, a.ownershipShare, a.balanceMinor, b.currency]),
    },
  };
}

/** The charges of a bulk job: each item's charge, outcome and the ledger entry collections posted. */
async function charges(m: EntityManager, tenantId: string, jobId: unknown): Promise<{ buildingId: string; jobId: string; name: string; table: Table }> {
  if (!isUuid(jobId)) throw badInput('input.jobId', 'A charges export needs jobId');
  const [job] = await m.query(`SELECT id, building_id, parameters FROM bulk_jobs WHERE tenant_id = $1 AND id = $2`, [tenantId, jobId]);
  if (!job) throw notFound('input.jobId', 'No such bulk job');
  const items: { unit: string; apartment_id: string; charge_minor: string; currency: string; status: string; ledger_entry_id: string | null }[] = await m.query(
    `SELECT unit, apartment_id, charge_minor, currency, status, ledger_entry_id FROM bulk_job_items WHERE tenant_id = $1 AND job_id = $2 ORDER BY seq`,
    [tenantId, job.id],
  );
  const p = job.parameters as { dueOn?: string | null; description?: string | null };
  return {
    buildingId: job.building_id,
    jobId: job.id,
    name: `charges-${job.id}`,
    table: {
      header: ['unit', 'apartment_id', 'charge_minor', 'currency', 'due_on', 'description', 'status', 'ledger_entry_id'],
      rows: items.map((i) => [i.unit, i.apartment_id, Number(i.charge_minor), i.currency, p.dueOn ?? null, p.description ?? null, i.status, i.ledger_entry_id]),
    },
  };
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'export';

/**
 * Makes an export (balances of a building, or a job's charges; CSV or XLSX), stores it with its
 * SHA-256 and audits it. Reading-only: no dry run is needed, as nothing changes. The file is then
 * downloaded through a short-lived signed link (`export-link.ts`).
 */
export function createExport(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'exportBulkData', input, async () => {
    const dataset = oneOf('input.dataset', EXPORT_DATASETS, lower(input.dataset));
    const format = oneOf('input.format', EXPORT_FORMATS, lower(input.format));
    const data = dataset === 'balances' ? { ...(await balances(m, tenantId, input.buildingId)), jobId: null } : await charges(m, tenantId, input.jobId);
    const content = await render(data.table, format, dataset);
    const id = randomUUID();
    const row = {
      id,
      buildingId: data.buildingId,
      jobId: data.jobId,
      dataset,
      format,
      filename: `${safeName(data.name)}.${format}`,
      contentType: CONTENT_TYPES[format],
      content,
      rows: data.table.rows.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      createdBy: cmd.actor,
    };
    await insertExport(m, tenantId, row);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-export.created', entityType: 'bulk-export', entityId: id, after: { dataset, format, buildingId: row.buildingId, jobId: row.jobId, rows: row.rows, sha256: row.sha256 } });
    return id;
  });
}
