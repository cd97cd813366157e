// A bulk common-expense issue through the gateway, on real PostgreSQL and the in-process bus, with
// collections beside bulk-ops (ARCHITECTURE §9 story 3, NC-301..306): dry run → execute as commands →
// charges in collections' ledger → failed items retried alone → no duplicates; stale and expired
// previews refused; audit with trace ids; building scope and tenants.
import { randomUUID } from 'node:crypto';
import { newEvent, publishEvents, withTenant } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import {
  CANCEL, CREATE_JOB, CREATE_TEMPLATE, DRY_RUN, EXECUTE, JOB, RETRY,
  dryRunJob, finished, gbp, givenBuilding, idempotencyKey, ok, refused, tenantName, tenantRows,
} from './support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections', 'bulk-ops'] });
}, 180_000);
afterAll(async () => platform?.stop());

/** Charges collections holds for the building (the ledger is the truth about duplicates). */
const ledgerCharges = async (tenant: string, buildingId: string) =>
  (await tenantRows(platform, 'collections', tenant, `SELECT apartment_id, amount_minor::int AS amount FROM ledger_entries WHERE building_id = $1 AND kind = 'charge' ORDER BY apartment_id`, [buildingId]));

const byUnit = (job: any) => Object.fromEntries(job.items.edges.map((e: any) => [e.node.unit, e.node]));

describe('a common-expense issue', () => {
  it('previews the split, executes it as charges in collections once, and records progress, audit and trace ids', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [500, 300, 200]);

    const preview = await dryRunJob(acme, buildingId, 100_01, { description: 'Roof repair', dueOn: '2026-12-31' });
    expect(preview.status).toBe('DRY_RUN_READY');
    expect(preview.previewHash).toMatch(/^[0-9a-f]{64}$/);
    // 5000.5 / 3000.3 / 2000.2: the odd penny goes to the largest remainder.
    expect(preview.items.edges.map((e: any) => [e.node.unit, e.node.weight, e.node.balanceBefore.amountMinor, e.node.charge.amountMinor, e.node.balanceAfter.amountMinor, e.node.status])).toEqual([
      ['1', 500, 0, 50_01, 50_01, 'PREVIEWED'],
      ['2', 300, 0, 30_00, 30_00, 'PREVIEWED'],
      ['3', 200, 0, 20_00, 20_00, 'PREVIEWED'],
    ]);
    expect(preview.estimatedImpact).toEqual([{ buildingId, items: 3, validItems: 3, invalidItems: 0, chargeTotal: gbp(100_01), balanceBeforeTotal: { amountMinor: 0 }, balanceAfterTotal: { amountMinor: 100_01 } }]);
    expect(await ledgerCharges(tenant, buildingId)).toEqual([]); // a dry run posts nothing

    const input = { id: preview.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() };
    const queued = (await ok(acme, EXECUTE, { input })).executeBulkJob.job;
    expect(['QUEUED', 'IN_PROGRESS', 'COMPLETED']).toContain(queued.status);
    expect(queued.progress.total).toBe(3);
    const done = await finished(acme, preview.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.progress).toEqual({ total: 3, done: 3, succeeded: 3, failed: 0, pending: 0 });

    const charges = await ledgerCharges(tenant, buildingId);
    expect(charges.map((c) => c.amount).sort((a, b) => a - b)).toEqual([20_00, 30_00, 50_01]);
    expect(new Set(charges.map((c) => c.apartment_id))).toEqual(new Set(apartments.map((a) => a.id)));
    const items = byUnit(done);
    for (const it of Object.values<any>(items)) {
      expect(it).toMatchObject({ status: 'SUCCEEDED', attempts: 1, errors: [] });
      expect(it.ledgerEntryId).toEqual(expect.any(String));
      expect(it.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(done.traceId).toMatch(/^[0-9a-f]{32}$/);
    // The charge in collections is the one the item names, with the amount of the preview.
    const [entry] = await tenantRows(platform, 'collections', tenant, `SELECT amount_minor::int AS amount, subtype, due_on::text AS due_on, description FROM ledger_entries WHERE id = $1`, [items['1'].ledgerEntryId]);
    expect(entry).toEqual({ amount: 50_01, subtype: 'common_expense', due_on: '2026-12-31', description: 'Roof repair' });

    // Repeated execution, under the same key or another, posts nothing more.
    expect((await ok(acme, EXECUTE, { input })).executeBulkJob.job.id).toBe(preview.id);
    expect((await ok(acme, EXECUTE, { input: { ...input, idempotencyKey: idempotencyKey() } })).executeBulkJob.job.status).toBe('COMPLETED');
    expect(await refused(acme, EXECUTE, { input: { ...input, previewHash: '0'.repeat(64) } })).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await ledgerCharges(tenant, buildingId)).toHaveLength(3);

    // Audit: the job's life and every item's outcome, each with a trace id.
    const audit = await tenantRows(platform, 'bulk-ops', tenant, `SELECT action, entity_type, trace_id FROM audit_events ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['bulk-job.created', 'bulk-job.dry-run', 'bulk-job.executed', 'bulk-job.completed', 'bulk-job-item.queued', 'bulk-job-item.succeeded']));
    expect(audit.filter((a) => a.action === 'bulk-job-item.succeeded')).toHaveLength(3);
    expect(audit.filter((a) => !a.trace_id)).toEqual([]);
    // bulk-ops' own view of the balances follows the ledger.
    await eventually(async () => {
      const again = await dryRunPreviewBalances(tenant, buildingId);
      return again.join() === [20_00, 30_00, 50_01].join();
    });
  });

  it('sends one v2 command per chunk; a v1 command (sent before v2) is still answered in v1, and its replayed items post nothing twice', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId } = await givenBuilding(platform, tenant, acme, [600, 400]);
    const preview = await dryRunJob(acme, buildingId, 10_00);
    await ok(acme, EXECUTE, { input: { id: preview.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() } });
    const done = await finished(acme, preview.id);
    expect(done.status).toBe('COMPLETED');
    const inbox = (type: string) =>
      tenantRows(platform, 'bulk-ops', tenant, `SELECT event_id FROM inbox WHERE consumer = 'bulk-ops.charge-results' AND tenant_id = $1 AND type = $2`, [tenant, type]);
    expect(await inbox('commonhold.collections.charge-command.completed.v2')).toHaveLength(1); // 2 items: one chunk
    const items = done.items.edges.map((e: any) => e.node);

    // The same items as a v1 command, as a bulk-ops from before v2 left it in flight.
    const bulkOps = platform.services['bulk-ops']!.runtime;
    const commandId = randomUUID();
    await withTenant(bulkOps.ds, tenant, (m) =>
      publishEvents(m, bulkOps.registry, tenant, [
        newEvent('commonhold.bulk-ops.charge-command.requested.v1', commandId, {
          commandId, jobId: preview.id, buildingId, chargeType: 'common_expense', currency: 'GBP', bookedOn: null, dueOn: null, description: null,
          items: items.map((it: any) => ({ itemId: it.id, apartmentId: it.apartmentId, amountMinor: it.charge.amountMinor })),
        }, preview.id),
      ]),
    );
    await eventually(async () => (await inbox('commonhold.collections.charge-command.completed.v1')).length === 1);
    // Answered with the entries already posted: no charge twice, the job and its items unchanged.
    expect((await ledgerCharges(tenant, buildingId)).map((c) => c.amount).sort()).toEqual([400, 600]);
    const again = (await ok(acme, JOB, { id: preview.id })).bulkJob;
    expect(again.status).toBe('COMPLETED');
    expect(again.progress).toEqual(done.progress);
    expect(again.items.edges.map((e: any) => [e.node.id, e.node.ledgerEntryId, e.node.attempts])).toEqual(items.map((it: any) => [it.id, it.ledgerEntryId, 1]));
  });

  it('refuses to execute without a dry run, with a stale preview or an expired one, and posts nothing then', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [600, 400]);
    const draft = (await ok(acme, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: gbp(1_000), method: 'EQUAL' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
    expect(draft.status).toBe('DRAFT');
    expect(await refused(acme, EXECUTE, { input: { id: draft.id, previewHash: 'a'.repeat(64), idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'PREVIEW_REQUIRED' });

    const first = (await ok(acme, DRY_RUN, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
    expect(first.items.edges.map((e: any) => e.node.charge.amountMinor)).toEqual([500, 500]);
    // The data changes after the dry run: a charge is posted to one apartment in collections.
    await ok(acme, `mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
      input: { apartmentId: apartments[0]!.id, type: 'ONE_OFF', amount: gbp(250), idempotencyKey: idempotencyKey() },
    });
    await eventually(async () => (await tenantRows(platform, 'bulk-ops', tenant, `SELECT 1 FROM directory_balances WHERE apartment_id = $1 AND balance_minor = 250`, [apartments[0]!.id])).length === 1);
    const stale = await refused(acme, EXECUTE, { input: { id: draft.id, previewHash: first.previewHash, idempotencyKey: idempotencyKey() } });
    expect(stale).toMatchObject({ code: 'CONFLICT', reason: 'STALE_PREVIEW', field: 'input.id' });
    expect(stale.currentPreviewHash).not.toBe(first.previewHash);

    const second = (await ok(acme, DRY_RUN, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
    expect(second.previewHash).toBe(stale.currentPreviewHash);
    expect(second.items.edges[0].node).toMatchObject({ balanceBefore: { amountMinor: 250 }, balanceAfter: { amountMinor: 750 } });
    // The old hash is refused even though the data now matches the new preview.
    expect(await refused(acme, EXECUTE, { input: { id: draft.id, previewHash: first.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ reason: 'STALE_PREVIEW' });

    // An expired dry run is refused and shows as EXPIRED.
    await tenantRows(platform, 'bulk-ops', tenant, `UPDATE bulk_jobs SET preview_expires_at = now() - interval '1 second' WHERE id = $1`, [draft.id]);
    expect((await ok(acme, JOB, { id: draft.id })).bulkJob.status).toBe('EXPIRED');
    expect(await refused(acme, EXECUTE, { input: { id: draft.id, previewHash: second.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'PREVIEW_EXPIRED' });
    expect((await ledgerCharges(tenant, buildingId)).map((c) => c.amount)).toEqual([250]);

    // A fresh dry run executes.
    const third = (await ok(acme, DRY_RUN, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
    expect(third.previewHash).toBe(second.previewHash);
    await ok(acme, EXECUTE, { input: { id: draft.id, previewHash: third.previewHash, idempotencyKey: idempotencyKey() } });
    expect((await finished(acme, draft.id)).status).toBe('COMPLETED');
    expect((await ledgerCharges(tenant, buildingId)).map((c) => c.amount).sort()).toEqual([250, 500, 500]);
  });

  it('retries only the failed items (an apartment gone in collections between preview and execution) and duplicates nothing', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [400, 350, 250]);
    const preview = await dryRunJob(acme, buildingId, 9_999);
    // The apartment disappears from collections before bulk-ops hears of it (a lagging projection),
    // so the preview is still current but collections refuses that item.
    const gone = apartments[1]!.id;
    const [saved] = await tenantRows(platform, 'collections', tenant, `SELECT row_to_json(a) AS row FROM apartments a WHERE id = $1`, [gone]);
    await tenantRows(platform, 'collections', tenant, `DELETE FROM apartments WHERE id = $1`, [gone]);

    await ok(acme, EXECUTE, { input: { id: preview.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() } });
    const partial = await finished(acme, preview.id);
    expect(partial.status).toBe('COMPLETED_WITH_ERRORS');
    expect(partial.progress).toEqual({ total: 3, done: 3, succeeded: 2, failed: 1, pending: 0 });
    const failed = byUnit(partial)['2'];
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, ledgerEntryId: null, errors: [{ code: 'NOT_FOUND', field: 'apartmentId', retryable: true, attempt: 1 }] });
    expect(failed.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await ledgerCharges(tenant, buildingId)).toHaveLength(2);

    // The apartment is back; the retry sends the failed item alone.
    await tenantRows(platform, 'collections', tenant, `INSERT INTO apartments SELECT * FROM json_populate_record(NULL::apartments, $1::json)`, [JSON.stringify(saved!.row)]);
    const retryInput = { id: preview.id, idempotencyKey: idempotencyKey() };
    const retried = (await ok(acme, RETRY, { input: retryInput })).retryBulkJob.job;
    expect(['IN_PROGRESS', 'COMPLETED']).toContain(retried.status);
    const done = await finished(acme, preview.id);
    expect(done.status).toBe('COMPLETED');
    const items = byUnit(done);
    expect([items['1'].attempts, items['2'].attempts, items['3'].attempts]).toEqual([1, 2, 1]);
    expect(items['2'].errors).toHaveLength(1); // the first attempt's error stays on record
    const charges = await ledgerCharges(tenant, buildingId);
    expect(charges).toHaveLength(3);
    expect(charges.reduce((s, c) => s + c.amount, 0)).toBe(9_999);

    // Replaying the retry changes nothing; a new retry finds nothing to retry.
    expect((await ok(acme, RETRY, { input: retryInput })).retryBulkJob.job.id).toBe(preview.id);
    expect(await refused(acme, RETRY, { input: { id: preview.id, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await ledgerCharges(tenant, buildingId)).toHaveLength(3);

    // The widgets: nothing active, one job finished, one item failure in the window, a completion time.
    const overview = (await ok(acme, `{ bulkJobsOverview { activeJobs completedJobs completedWithErrorsJobs failedJobs itemFailures averageCompletionSeconds } }`)).bulkJobsOverview;
    expect(overview).toEqual({ activeJobs: 0, completedJobs: 1, completedWithErrorsJobs: 0, failedJobs: 0, itemFailures: 1, averageCompletionSeconds: expect.any(Number) });
    expect(overview.averageCompletionSeconds).toBeGreaterThan(0);
    expect(await refused(acme, `{ bulkJobsOverview(since: "2000-01-01T00:00:00Z") { activeJobs } }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
  });
});

/** The balances bulk-ops holds for the building's apartments, ascending. */
async function dryRunPreviewBalances(tenant: string, buildingId: string): Promise<number[]> {
  const rows = await tenantRows(platform, 'bulk-ops', tenant, `SELECT balance_minor::int AS b FROM directory_balances WHERE building_id = $1 ORDER BY balance_minor`, [buildingId]);
  return rows.map((r) => r.b);
}

describe('validation', () => {
  it('shows validation errors per item and field and refuses to execute; bad input names the field', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId } = await givenBuilding(platform, tenant, acme, [1000]);
    // A second apartment without a share: the share table is incomplete.
    await ok(acme, `mutation($input: CreateApartmentInput!) { createApartment(input: $input) { apartment { id } } }`, { input: { buildingId, unit: '2', idempotencyKey: idempotencyKey() } });
    await eventually(async () => (await tenantRows(platform, 'bulk-ops', tenant, `SELECT 1 FROM directory_apartments WHERE building_id = $1`, [buildingId])).length === 2);
    const job = await dryRunJob(acme, buildingId, 500);
    expect(job.items.edges[1].node.validationErrors).toEqual([{ field: 'ownershipShare', code: 'MISSING_SHARE', message: expect.any(String) }]);
    expect(job.estimatedImpact[0]).toMatchObject({ items: 2, validItems: 1, invalidItems: 1 });
    expect(await refused(acme, EXECUTE, { input: { id: job.id, previewHash: job.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'VALIDATION_ERRORS' });
    expect(await ledgerCharges(tenant, buildingId)).toEqual([]);

    const bad = (commonExpense: Record<string, unknown>) => refused(acme, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense, idempotencyKey: idempotencyKey() } });
    expect(await bad({ amount: gbp(0), method: 'EQUAL' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.commonExpense.amount.amountMinor' });
    expect(await bad({ amount: gbp(10), method: 'CUSTOM' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.commonExpense.customWeights' });
    expect(await bad({ amount: gbp(10), method: 'EQUAL', dueOn: '2026-02-30' })).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/dueOn/) });
    expect(await refused(acme, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId: '00000000-0000-4000-8000-000000000000', commonExpense: { amount: gbp(10), method: 'EQUAL' }, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
  });

  it('starts a job from a template and cancels a job before execution', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId } = await givenBuilding(platform, tenant, acme, [500, 500]);
    const template = (await ok(acme, CREATE_TEMPLATE, { input: { name: 'Quarterly service charge', action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: gbp(60_000), method: 'OWNERSHIP_SHARE' }, idempotencyKey: idempotencyKey() } })).createBulkTemplate.template;
    expect(template).toMatchObject({ buildingId, commonExpense: { amount: gbp(60_000), method: 'OWNERSHIP_SHARE' } });
    const job = (await ok(acme, CREATE_JOB, { input: { templateId: template.id, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
    const dry = (await ok(acme, DRY_RUN, { input: { id: job.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
    expect(dry.items.edges.map((e: any) => e.node.charge.amountMinor)).toEqual([30_000, 30_000]);
    expect((await ok(acme, CANCEL, { input: { id: job.id, idempotencyKey: idempotencyKey() } })).cancelBulkJob.job.status).toBe('CANCELLED');
    expect(await refused(acme, EXECUTE, { input: { id: job.id, previewHash: dry.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE' });
  });
});

describe('templates of either action', () => {
  const TEMPLATE_FIELDS = `id name action buildingId buildingIds commonExpense { method } reminder { template message } scope { buildingIds apartmentIds floors listRows }`;
  const CREATE_ANY_TEMPLATE = `mutation($input: CreateBulkTemplateInput!) { createBulkTemplate(input: $input) { template { ${TEMPLATE_FIELDS} } } }`;
  const CREATE_REMINDER_JOB = `mutation($input: CreateBulkJobInput!) { createBulkJob(input: $input) { job { id action buildingIds reminder { template message } scope { buildingIds apartmentIds listRows } } } }`;

  it('saves a reminder over two buildings with its list, and a scoped common expense; jobs take the saved scope unless given their own', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const a = await givenBuilding(platform, tenant, acme, [500, 500]);
    const b = await givenBuilding(platform, tenant, acme, [1000]);
    const reminder = (
      await ok(acme, CREATE_ANY_TEMPLATE, {
        input: { name: 'Arrears reminder', action: 'REMINDER', scope: { buildingIds: [a.buildingId, b.buildingId], list: `unit,buildingId\nFlat 1,${b.buildingId}\n` }, reminder: { message: 'Please pay by Friday.' }, idempotencyKey: idempotencyKey() },
      })
    ).createBulkTemplate.template;
    expect(reminder).toMatchObject({
      action: 'REMINDER', buildingId: a.buildingId, buildingIds: [a.buildingId, b.buildingId], commonExpense: null,
      reminder: { template: 'bulk.reminder', message: 'Please pay by Friday.' }, scope: { buildingIds: [a.buildingId, b.buildingId], listRows: 1 },
    });
    // The job takes the template's action, reminder and whole scope …
    const job = (await ok(acme, CREATE_REMINDER_JOB, { input: { templateId: reminder.id, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
    expect(job).toMatchObject({ action: 'REMINDER', buildingIds: [a.buildingId, b.buildingId], reminder: { message: 'Please pay by Friday.' }, scope: { listRows: 1 } });
    // … or the input's own reminder note and scope.
    const own = (
      await ok(acme, CREATE_REMINDER_JOB, { input: { templateId: reminder.id, reminder: { message: 'Second notice.' }, scope: { buildingIds: [b.buildingId] }, idempotencyKey: idempotencyKey() } })
    ).createBulkJob.job;
    expect(own).toMatchObject({ buildingIds: [b.buildingId], reminder: { message: 'Second notice.' }, scope: { buildingIds: [b.buildingId], listRows: null } });

    const flat2 = a.apartments[1]!.id;
    const scoped = (
      await ok(acme, CREATE_ANY_TEMPLATE, {
        input: { name: 'Flat 2 only', action: 'COMMON_EXPENSE_ISSUE', scope: { buildingIds: [a.buildingId], apartmentIds: [flat2] }, commonExpense: { amount: gbp(9_000), method: 'EQUAL' }, idempotencyKey: idempotencyKey() },
      })
    ).createBulkTemplate.template;
    expect(scoped).toMatchObject({ buildingId: a.buildingId, reminder: null, commonExpense: { method: 'EQUAL' }, scope: { buildingIds: [a.buildingId], apartmentIds: [flat2] } });
    const fromScoped = (await ok(acme, CREATE_JOB, { input: { templateId: scoped.id, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
    const dry = (await ok(acme, DRY_RUN, { input: { id: fromScoped.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
    expect(dry.items.edges.map((e: any) => [e.node.apartmentId, e.node.charge.amountMinor])).toEqual([[flat2, 9_000]]);
  });

  it('refuses a template with the wrong parts, naming the field, and keeps a building manager to their buildings', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const a = await givenBuilding(platform, tenant, acme, [1000]);
    const b = await givenBuilding(platform, tenant, acme, [1000]);
    const bad = (input: Record<string, unknown>, as = acme) => refused(as, CREATE_ANY_TEMPLATE, { input: { name: 'T', idempotencyKey: idempotencyKey(), ...input } });
    expect(await bad({ action: 'REMINDER', buildingId: a.buildingId, commonExpense: { amount: gbp(10), method: 'EQUAL' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.commonExpense' });
    expect(await bad({ action: 'COMMON_EXPENSE_ISSUE', buildingId: a.buildingId })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.commonExpense' });
    expect(await bad({ action: 'COMMON_EXPENSE_ISSUE', buildingId: a.buildingId, commonExpense: { amount: gbp(10), method: 'EQUAL' }, reminder: {} })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reminder' });
    expect(await bad({ action: 'COMMON_EXPENSE_ISSUE', scope: { buildingIds: [a.buildingId, b.buildingId] }, commonExpense: { amount: gbp(10), method: 'EQUAL' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope.buildingIds' });
    expect(await bad({ action: 'REMINDER', scope: { buildingIds: [a.buildingId], list: 'colour\nblue\n' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^input\.scope\.list/) });
    expect(await bad({ action: 'REMINDER', scope: { buildingIds: [a.buildingId, '00000000-0000-4000-8000-000000000000'] } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.scope.buildingIds.1' });
    // A manager of building a cannot save a template reaching building b, nor see one that does.
    const manager = platform.as(tenant, { roles: ['building_manager'], scope: [`building:${a.buildingId}`] });
    expect(await bad({ action: 'REMINDER', scope: { buildingIds: [a.buildingId, b.buildingId] } }, manager)).toMatchObject({ code: 'NOT_FOUND', field: 'input.scope.buildingIds.1' });
    const both = (await ok(acme, CREATE_ANY_TEMPLATE, { input: { name: 'Both', action: 'REMINDER', scope: { buildingIds: [a.buildingId, b.buildingId] }, idempotencyKey: idempotencyKey() } })).createBulkTemplate.template;
    const mine = (await ok(manager, CREATE_ANY_TEMPLATE, { input: { name: 'Mine', action: 'REMINDER', buildingId: a.buildingId, idempotencyKey: idempotencyKey() } })).createBulkTemplate.template;
    expect((await ok(manager, `query($id: ID!) { bulkTemplate(id: $id) { id } }`, { id: both.id })).bulkTemplate).toBeNull();
    expect((await ok(manager, `{ bulkTemplates(first: 10) { edges { node { id } } } }`)).bulkTemplates.edges).toEqual([{ node: { id: mine.id } }]);
    // A role without bulk-templates:write is refused; another tenant sees none of them.
    const owner = platform.as(tenant, { roles: ['owner'], scope: 'global' });
    expect(await bad({ action: 'REMINDER', buildingId: a.buildingId }, owner)).toMatchObject({ code: 'FORBIDDEN', permission: 'bulk-templates:write' });
    const other = platform.as(tenantName('other'));
    expect((await ok(other, `query($id: ID!) { bulkTemplate(id: $id) { id } }`, { id: both.id })).bulkTemplate).toBeNull();
    expect((await ok(other, `{ bulkTemplates(first: 10) { edges { node { id } } } }`)).bulkTemplates.edges).toEqual([]);
  });
});

describe('who sees what', () => {
  it('fences a building manager to their buildings and refuses roles without the permission', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const a = await givenBuilding(platform, tenant, acme, [1000]);
    const b = await givenBuilding(platform, tenant, acme, [1000]);
    const jobA = await dryRunJob(acme, a.buildingId, 100);
    const jobB = await dryRunJob(acme, b.buildingId, 100);
    const manager = platform.as(tenant, { roles: ['building_manager'], scope: [`building:${a.buildingId}`] });
    expect((await ok(manager, JOB, { id: jobA.id })).bulkJob.id).toBe(jobA.id);
    expect((await ok(manager, JOB, { id: jobB.id })).bulkJob).toBeNull();
    expect((await ok(manager, `{ bulkJobs(first: 10) { edges { node { id } } } }`)).bulkJobs.edges).toEqual([{ node: { id: jobA.id } }]);
    expect(await refused(manager, EXECUTE, { input: { id: jobB.id, previewHash: jobB.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(manager, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId: b.buildingId, commonExpense: { amount: gbp(10), method: 'EQUAL' }, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
    const owner = platform.as(tenant, { roles: ['owner'], scope: 'global' });
    expect(await refused(owner, EXECUTE, { input: { id: jobA.id, previewHash: jobA.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN', permission: 'bulk-jobs:execute' });
  });

  it('does not return another tenant’s bulk job', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const bravo = platform.as(tenantName('bravo'));
    const { buildingId } = await givenBuilding(platform, tenant, acme, [1000]);
    const job = await dryRunJob(acme, buildingId, 100);
    expect((await ok(bravo, JOB, { id: job.id })).bulkJob).toBeNull();
    expect((await ok(bravo, `{ bulkJobs(first: 10) { edges { node { id } } } }`)).bulkJobs.edges).toEqual([]);
    expect(await refused(bravo, EXECUTE, { input: { id: job.id, previewHash: job.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
  });
});
