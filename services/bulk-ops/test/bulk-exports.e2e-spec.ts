// Exports through the gateway: balances and a job's charges as CSV and XLSX (exceljs), every text cell
// formula-escaped, downloaded through the gateway's /bulk-exports passthrough with a short-lived
// signed link; a forged, altered or expired link is refused; scope and tenants fence exports.
// bulk-ops runs alone here (its directory seeded in SQL): exports read only bulk-ops' own data.
import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { linkKeyring } from '../src/modules/exports/download.route';
import { signExportLink } from '../src/modules/exports';
import { CREATE_JOB, DRY_RUN, gbp, idempotencyKey, ok, refused, tenantName, tenantRows } from './support';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['bulk-ops'], serviceEnv: { 'bulk-ops': { BULK_SWEEP_CRON: '' } } });
}, 180_000);
afterAll(async () => platform?.stop());

const EXPORT = `mutation($input: ExportBulkDataInput!) { exportBulkData(input: $input) { export { id dataset format buildingId jobId filename contentType rows sha256 downloadUrl downloadExpiresAt } } }`;
const origin = () => new URL(platform.gateway.url).origin;
const download = (path: string) => fetch(`${origin()}${path}`);

async function seededBuilding(tenant: string, units: { unit: string; share: number; balance: number }[]): Promise<{ buildingId: string; ids: string[] }> {
  const buildingId = randomUUID();
  await tenantRows(platform, 'bulk-ops', tenant, `INSERT INTO directory_buildings (id, tenant_id, name, currency) VALUES ($1, $2, 'Harbour House', 'GBP')`, [buildingId, tenant]);
  const ids: string[] = [];
  for (const u of units) {
    const id = randomUUID();
    ids.push(id);
    await tenantRows(platform, 'bulk-ops', tenant, `INSERT INTO directory_apartments (id, tenant_id, building_id, unit, ownership_share) VALUES ($1, $2, $3, $4, $5)`, [id, tenant, buildingId, u.unit, u.share]);
    await tenantRows(platform, 'bulk-ops', tenant, `INSERT INTO directory_balances (apartment_id, tenant_id, building_id, currency, balance_minor, entries) VALUES ($1, $2, $3, 'GBP', $4, 1)`, [id, tenant, buildingId, u.balance]);
  }
  return { buildingId, ids };
}

const UNITS = [
  { unit: '1', share: 600, balance: 12_50 },
  { unit: '=HYPERLINK("http://evil.example","x")', share: 400, balance: -3_00 },
];

it('exports balances as CSV through a signed link, formula-escaped, and audits making and downloading it', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId, ids } = await seededBuilding(tenant, UNITS);
  const exp = (await ok(acme, EXPORT, { input: { dataset: 'BALANCES', format: 'CSV', buildingId, idempotencyKey: idempotencyKey() } })).exportBulkData.export;
  expect(exp).toMatchObject({ dataset: 'BALANCES', format: 'CSV', buildingId, jobId: null, rows: 2, contentType: 'text/csv; charset=utf-8' });
  expect(exp.downloadUrl).toMatch(new RegExp(`^/bulk-exports/${exp.id}\\?`));
  expect(new Date(exp.downloadExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);

  const res = await download(exp.downloadUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${exp.filename}"`);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = Buffer.from(await res.arrayBuffer());
  expect(createHash('sha256').update(body).digest('hex')).toBe(exp.sha256);
  const [header, ...lines] = body.toString('utf8').trim().split('\n');
  expect(header).toBe('building,unit,apartment_id,ownership_share,balance_minor,currency');
  expect(lines.sort()).toEqual([
    `Harbour House,"'=HYPERLINK(""http://evil.example"",""x"")",${ids[1]},400,-300,GBP`,
    `Harbour House,1,${ids[0]},600,1250,GBP`,
  ].sort());
  const audit = await tenantRows(platform, 'bulk-ops', tenant, `SELECT action, actor, trace_id FROM audit_events WHERE entity_type = 'bulk-export' ORDER BY id`);
  expect(audit.map((a) => [a.action, a.actor])).toEqual([['bulk-export.created', `user-of-${tenant}`], ['bulk-export.downloaded', 'export-link']]);
  expect(audit[0]!.trace_id).toMatch(/^[0-9a-f]{32}$/);
});

it('exports a job’s charges as XLSX (exceljs) with text cells escaped and numbers as numbers', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId } = await seededBuilding(tenant, UNITS);
  const job = (await ok(acme, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: gbp(1_001), method: 'OWNERSHIP_SHARE', description: '+SUM(A1:A9)' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
  await ok(acme, DRY_RUN, { input: { id: job.id, idempotencyKey: idempotencyKey() } });
  const exp = (await ok(acme, EXPORT, { input: { dataset: 'CHARGES', format: 'XLSX', jobId: job.id, idempotencyKey: idempotencyKey() } })).exportBulkData.export;
  expect(exp).toMatchObject({ dataset: 'CHARGES', format: 'XLSX', buildingId, jobId: job.id, rows: 2 });
  const res = await download(exp.downloadUrl);
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await res.arrayBuffer()) as any);
  const ws = wb.worksheets[0]!;
  const rows = ws.getSheetValues().slice(1).map((r: any) => r.slice(1));
  expect(rows[0]).toEqual(['unit', 'apartment_id', 'charge_minor', 'currency', 'due_on', 'description', 'status', 'ledger_entry_id']);
  expect(rows.slice(1).map((r: any[]) => [r[0], r[2], r[5], r[6]]).sort((x: any[], y: any[]) => y[1] - x[1])).toEqual([
    ['1', 601, "'+SUM(A1:A9)", 'previewed'],
    ['\'=HYPERLINK("http://evil.example","x")', 400, "'+SUM(A1:A9)", 'previewed'],
  ]);
  // No cell of the sheet is a formula.
  ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
});

it('replays the same key as the same export (one row, one audit, a fresh link) and refuses the key with another input', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId } = await seededBuilding(tenant, UNITS);
  const key = idempotencyKey();
  const input = { dataset: 'BALANCES', format: 'CSV', buildingId, idempotencyKey: key };
  const first = (await ok(acme, EXPORT, { input })).exportBulkData.export;
  const count = async () => (await tenantRows(platform, 'bulk-ops', tenant, `SELECT count(*)::int AS n FROM bulk_exports`))[0]!.n;
  const audits = async () => (await tenantRows(platform, 'bulk-ops', tenant, `SELECT count(*)::int AS n FROM audit_events`))[0]!.n;
  const [rowsBefore, auditsBefore] = [await count(), await audits()];
  const again = (await ok(acme, EXPORT, { input })).exportBulkData.export;
  // Everything but the link (re-signed on every read, so it is never older than its TTL) is the same.
  const { downloadUrl: _u1, downloadExpiresAt: _e1, ...firstRest } = first;
  const { downloadUrl: _u2, downloadExpiresAt: _e2, ...againRest } = again;
  expect(againRest).toEqual(firstRest);
  expect([await count(), await audits()]).toEqual([rowsBefore, auditsBefore]);
  expect((await download(again.downloadUrl)).status).toBe(200);
  expect(await refused(acme, EXPORT, { input: { ...input, format: 'XLSX' } })).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  expect(await count()).toBe(rowsBefore);
});

it('refuses a forged, altered or expired link, and names the field of bad input', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId } = await seededBuilding(tenant, UNITS);
  const exp = (await ok(acme, EXPORT, { input: { dataset: 'BALANCES', format: 'CSV', buildingId, idempotencyKey: idempotencyKey() } })).exportBulkData.export;
  const url = new URL(exp.downloadUrl, origin());
  const tampered = (k: string, v: string) => {
    const u = new URL(url);
    u.searchParams.set(k, v);
    return `${u.pathname}${u.search}`;
  };
  const refusedWith = async (path: string) => {
    const r = await download(path);
    return { status: r.status, ...(((await r.json()) as any).errors[0].extensions) };
  };
  expect(await refusedWith(tampered('sig', 'A'.repeat(43)))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'invalid' });
  expect(await refusedWith(tampered('t', tenantName('bravo')))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'invalid' });
  expect(await refusedWith(tampered('exp', String(Number(url.searchParams.get('exp')) + 3600)))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'invalid' });
  expect(await refusedWith(tampered('kid', 'nope'))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'invalid' });
  expect(await refusedWith(`/bulk-exports/${randomUUID()}${url.search}`)).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'invalid' });
  // A link signed correctly but ten minutes ago has expired.
  const old = signExportLink(linkKeyring(platform.services['bulk-ops']!.runtime), tenant, exp.id, Date.now() - 10 * 60_000);
  expect(await refusedWith(old.url)).toEqual({ status: 410, code: 'FORBIDDEN', reason: 'expired' });
  // A valid link still works.
  expect((await download(exp.downloadUrl)).status).toBe(200);

  expect(await refused(acme, EXPORT, { input: { dataset: 'BALANCES', format: 'CSV', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.buildingId' });
  expect(await refused(acme, EXPORT, { input: { dataset: 'CHARGES', format: 'XLSX', jobId: randomUUID(), idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.jobId' });
});

it('fences exports by building scope and tenant', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const a = await seededBuilding(tenant, UNITS);
  const b = await seededBuilding(tenant, UNITS);
  const manager = platform.as(tenant, { roles: ['building_manager'], scope: [`building:${a.buildingId}`] });
  expect((await ok(manager, EXPORT, { input: { dataset: 'BALANCES', format: 'CSV', buildingId: a.buildingId, idempotencyKey: idempotencyKey() } })).exportBulkData.export.rows).toBe(2);
  expect(await refused(manager, EXPORT, { input: { dataset: 'BALANCES', format: 'CSV', buildingId: b.buildingId, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
  const ofB = (await ok(acme, EXPORT, { input: { dataset: 'BALANCES', format: 'CSV', buildingId: b.buildingId, idempotencyKey: idempotencyKey() } })).exportBulkData.export;
  const READ = `query($id: ID!) { bulkExport(id: $id) { id } }`;
  expect((await ok(manager, READ, { id: ofB.id })).bulkExport).toBeNull();
  expect((await ok(platform.as(tenantName('bravo')), READ, { id: ofB.id })).bulkExport).toBeNull();
  const owner = platform.as(tenant, { roles: ['owner'], scope: 'global' });
  expect(await refused(owner, EXPORT, { input: { dataset: 'BALANCES', format: 'CSV', buildingId: a.buildingId, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN' });
});
