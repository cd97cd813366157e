// Bulk reminders through the gateway on the real transports (Kafka between the services, real
// PostgreSQL, a real SMTP server behind collections' notifier): scope by an uploaded CSV list → dry run
// showing who is reminded on which channel (and who cannot be: NO_CONSENT) → execute as reminder
// commands → one email per apartment, delivered under bulk-reminder/<jobId>/<itemId> → repeated
// execute sends nothing more → the owner without consent fails with NO_CONSENT and, once their record
// is fixed, a retry sends that reminder alone.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { signDsnWebhook } from '@commonhold/notifications';
import { dsnMessage, startSmtpSink, type SmtpSink } from '@commonhold/notifications/testing';
import { EXECUTE, RETRY, finished, givenBuilding, idempotencyKey, ok, refused, tenantName, tenantRows, type As } from './support';

let platform: TestPlatform;
let smtp: SmtpSink;
const DSN_SECRET = 'dsn-secret-bulk-0123456789abcdef';

beforeAll(async () => {
  smtp = await startSmtpSink();
  platform = await startTestPlatform({
    transport: 'kafka',
    services: ['collections', 'bulk-ops'],
    serviceEnv: { collections: { SMTP_URL: smtp.url, DUNNING_SCHEDULE_CRON: '', DUNNING_POLL_SECONDS: '0.5', EMAIL_DSN_WEBHOOK_SECRET: DSN_SECRET } },
  });
}, 180_000);
afterAll(async () => {
  await platform?.stop();
  await smtp?.close();
});

const REMINDER_FIELDS = `id status buildingIds previewHash commonExpense { method } reminder { template message } scope { buildingIds listRows }
  validationErrors { field code blocking }
  progress { total done succeeded failed pending }
  items(first: 10) { edges { node { id apartmentId unit status attempts channel ownerPartyId deliveryKey
    validationErrors { field code blocking } errors { attempt code field retryable } } } }`;
const CREATE = `mutation($input: CreateBulkJobInput!) { createBulkJob(input: $input) { job { ${REMINDER_FIELDS} } } }`;
const DRY = `mutation($input: DryRunBulkJobInput!) { dryRunBulkJob(input: $input) { job { ${REMINDER_FIELDS} } } }`;
const GET = `query($id: ID!) { bulkJob(id: $id) { ${REMINDER_FIELDS} } }`;
const ADD_PARTY = `mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`;
const UPDATE_PARTY = `mutation($input: UpdateApartmentPartyInput!) { updateApartmentParty(input: $input) { party { id } } }`;

const rcpt = (address: string) => smtp.messages.filter((m) => m.envelope.rcptTo.includes(address)).length;
const byUnit = (job: any) => Object.fromEntries(job.items.edges.map((e: any) => [e.node.unit, e.node]));
/** Bulk reminder deliveries collections recorded for the job. */
const deliveries = (tenant: string, jobId: string) =>
  tenantRows(platform, 'collections', tenant, `SELECT idempotency_key AS key, channel, status, record->>'recipient' AS recipient FROM notification_deliveries WHERE idempotency_key LIKE $1 ORDER BY idempotency_key`, [`bulk-reminder/${jobId}/%`]);

/** Four apartments; owners of units 1–3 (units 1, 2 by email with consent; unit 3 by letter without consent); unit 4 has an owner too but is not in the list. */
async function given(tenant: string, as: As) {
  const { buildingId, apartments } = await givenBuilding(platform, tenant, as, [250, 250, 250, 250]);
  const tag = randomUUID().slice(0, 8);
  const email = (unit: string) => `owner-${unit}-${tag}@example.org`;
  const party = async (i: number, input: Record<string, unknown>) =>
    (await ok(as, ADD_PARTY, { input: { apartmentId: apartments[i]!.id, role: 'OWNER', name: `Owner ${i + 1}`, idempotencyKey: idempotencyKey(), ...input } })).addApartmentParty.party.id as string;
  await party(0, { email: email('1'), preferredChannel: 'EMAIL', consent: { email: true } });
  await party(1, { email: email('2'), preferredChannel: 'EMAIL', consent: { email: true } });
  const noConsent = await party(2, { preferredChannel: 'LETTER' });
  await party(3, { email: email('4'), preferredChannel: 'EMAIL', consent: { email: true } });
  // bulk-ops hears who each reminder would reach from collections' apartment-contact events.
  await eventually(async () => (await tenantRows(platform, 'bulk-ops', tenant, `SELECT count(*)::int AS n FROM directory_contacts WHERE building_id = $1 AND owner IS NOT NULL`, [buildingId]))[0]!.n === 4);
  return { buildingId, apartments, email, noConsent };
}

it('dry-runs, then sends exactly one reminder per listed apartment, duplicates nothing on repeat, and retries only the owner without consent', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId, email, noConsent } = await given(tenant, acme);

  const list = `unit\n1\n2\n\n${'3'}\n`; // a blank line is skipped
  const draft = (await ok(acme, CREATE, { input: { action: 'REMINDER', scope: { buildingIds: [buildingId], list }, reminder: { message: 'The AGM is on 12 January.' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
  expect(draft).toMatchObject({ status: 'DRAFT', buildingIds: [buildingId], commonExpense: null, reminder: { template: 'bulk.reminder', message: 'The AGM is on 12 January.' }, scope: { buildingIds: [buildingId], listRows: 3 } });

  // The dry run: who is reminded on which channel; unit 3's owner has not consented (shown, not blocking).
  const preview = (await ok(acme, DRY, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
  expect(preview.status).toBe('DRY_RUN_READY');
  expect(preview.validationErrors).toEqual([]);
  expect(preview.items.edges.map((e: any) => [e.node.unit, e.node.channel, e.node.status, e.node.validationErrors])).toEqual([
    ['1', 'EMAIL', 'PREVIEWED', []],
    ['2', 'EMAIL', 'PREVIEWED', []],
    ['3', 'LETTER', 'PREVIEWED', [{ field: 'owner.consent.letter', code: 'NO_CONSENT', blocking: false }]],
  ]);
  expect(byUnit(preview)['3'].ownerPartyId).toBe(noConsent);
  expect(await deliveries(tenant, draft.id)).toEqual([]); // a dry run sends nothing
  expect(rcpt(email('1')) + rcpt(email('2'))).toBe(0);

  // Execute: reminder commands over Kafka; collections sends through its notifier.
  const input = { id: draft.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() };
  await ok(acme, EXECUTE, { input });
  const partial = await finished(acme, draft.id);
  expect(partial.status).toBe('COMPLETED_WITH_ERRORS');
  expect(partial.progress).toEqual({ total: 3, done: 3, succeeded: 2, failed: 1, pending: 0 });
  const done = byUnit((await ok(acme, GET, { id: draft.id })).bulkJob);
  expect(done['1']).toMatchObject({ status: 'SUCCEEDED', attempts: 1, channel: 'EMAIL', deliveryKey: `bulk-reminder/${draft.id}/${done['1'].id}`, errors: [] });
  expect(done['2']).toMatchObject({ status: 'SUCCEEDED', attempts: 1, channel: 'EMAIL', deliveryKey: `bulk-reminder/${draft.id}/${done['2'].id}` });
  expect(done['3']).toMatchObject({ status: 'FAILED', attempts: 1, deliveryKey: null, errors: [{ attempt: 1, code: 'NO_CONSENT', field: 'owner.consent.letter', retryable: true }] });
  await eventually(async () => rcpt(email('1')) === 1 && rcpt(email('2')) === 1);
  expect((await deliveries(tenant, draft.id)).map((d) => [d.key, d.channel, d.status])).toEqual(
    [
      [`bulk-reminder/${draft.id}/${done['1'].id}`, 'email', 'sent'],
      [`bulk-reminder/${draft.id}/${done['2'].id}`, 'email', 'sent'],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
  );
  const mail = smtp.messages.find((m) => m.envelope.rcptTo.includes(email('1')))!;
  expect(mail.parsed.text).toContain('The AGM is on 12 January.');
  expect(mail.parsed.subject).toBe('Reminder: Harbour House, unit 1');

  // Repeated execute (same key, another key) sends nothing more.
  await ok(acme, EXECUTE, { input });
  expect((await ok(acme, EXECUTE, { input: { ...input, idempotencyKey: idempotencyKey() } })).executeBulkJob.job.status).toBe('COMPLETED_WITH_ERRORS');
  await new Promise((r) => setTimeout(r, 1_000));
  expect([rcpt(email('1')), rcpt(email('2')), rcpt(email('4'))]).toEqual([1, 1, 0]);
  expect(await deliveries(tenant, draft.id)).toHaveLength(2);

  // The office fixes unit 3's owner (email with consent) and retries: only that item is sent.
  await ok(acme, UPDATE_PARTY, { input: { id: noConsent, email: email('3'), preferredChannel: 'EMAIL', consent: { email: true }, idempotencyKey: idempotencyKey() } });
  const retried = (await ok(acme, RETRY, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).retryBulkJob.job;
  expect(retried.progress.succeeded).toBe(2);
  expect((await finished(acme, draft.id)).status).toBe('COMPLETED');
  const after = byUnit((await ok(acme, GET, { id: draft.id })).bulkJob);
  expect(after['1']).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  expect(after['2']).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  expect(after['3']).toMatchObject({ status: 'SUCCEEDED', attempts: 2, channel: 'EMAIL', deliveryKey: `bulk-reminder/${draft.id}/${after['3'].id}` });
  expect(after['3'].errors.map((e: any) => [e.attempt, e.code])).toEqual([[1, 'NO_CONSENT']]);
  await eventually(async () => rcpt(email('3')) === 1);
  await new Promise((r) => setTimeout(r, 500));
  // Exactly one reminder per listed apartment; none to the apartment outside the list.
  expect([rcpt(email('1')), rcpt(email('2')), rcpt(email('3')), rcpt(email('4'))]).toEqual([1, 1, 1, 0]);
  expect(await deliveries(tenant, draft.id)).toHaveLength(3);
  expect(new Set((await deliveries(tenant, draft.id)).map((d) => d.recipient))).toEqual(new Set([email('1'), email('2'), email('3')]));

  // Audit: bulk-ops per item, collections per reminder, with trace ids.
  const sent = await tenantRows(platform, 'collections', tenant, `SELECT action, trace_id FROM audit_events WHERE action LIKE 'bulk-reminder.%' AND after->>'jobId' = $1`, [draft.id]);
  expect(sent.map((a) => a.action).sort()).toEqual(['bulk-reminder.failed', 'bulk-reminder.sent', 'bulk-reminder.sent', 'bulk-reminder.sent']);
  expect(sent.filter((a) => !a.trace_id)).toEqual([]);
}, 120_000);

it('turns a reminder that bounces after it was sent into a failed item (BOUNCED, not retryable) and the finished job into COMPLETED_WITH_ERRORS, once', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId, email } = await given(tenant, acme);
  const draft = (await ok(acme, CREATE, { input: { action: 'REMINDER', scope: { buildingIds: [buildingId], list: 'unit\n1\n2\n' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
  const preview = (await ok(acme, DRY, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
  await ok(acme, EXECUTE, { input: { id: draft.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() } });
  expect((await finished(acme, draft.id)).status).toBe('COMPLETED');
  const mail = await eventually(async () => smtp.messages.find((m) => m.envelope.rcptTo.includes(email('1'))) ?? null);

  // The receiving server bounces unit 1's reminder; its DSN reaches collections through the gateway.
  const body = dsnMessage(mail.parsed.messageId!, email('1'), 'failed', '5.1.1');
  const post = () => fetch(`${platform.gateway.url.replace(/\/graphql$/, '')}/notifications/email/dsn`, { method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-commonhold-signature': signDsnWebhook(DSN_SECRET, body) }, body });
  expect((await post()).status).toBe(204);
  const bounced = await eventually(async () => {
    const job = (await ok(acme, GET, { id: draft.id })).bulkJob;
    return job.status === 'COMPLETED_WITH_ERRORS' ? job : null;
  });
  expect(bounced.progress).toEqual({ total: 2, done: 2, succeeded: 1, failed: 1, pending: 0 });
  const items = byUnit(bounced);
  expect(items['1']).toMatchObject({ status: 'FAILED', channel: 'EMAIL', errors: [{ attempt: 1, code: 'BOUNCED', field: null, retryable: false }] });
  expect(items['2']).toMatchObject({ status: 'SUCCEEDED', errors: [] });
  // The delivery key is spent: a retry has nothing to send.
  expect(await refused(acme, RETRY, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'NOTHING_TO_RETRY' });

  // The same bounce reported again changes nothing more.
  expect((await post()).status).toBe(204);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(byUnit((await ok(acme, GET, { id: draft.id })).bulkJob)['1'].errors).toHaveLength(1);
  const audit = await tenantRows(platform, 'bulk-ops', tenant, `SELECT action, trace_id FROM audit_events WHERE (entity_id = $1 AND action = 'bulk-job-item.failed') OR (entity_id = $2 AND action = 'bulk-job.completed_with_errors')`, [items['1'].id, draft.id]);
  expect(audit.map((a) => a.action).sort()).toEqual(['bulk-job-item.failed', 'bulk-job.completed_with_errors']);
  const told = await tenantRows(platform, 'collections', tenant, `SELECT action FROM audit_events WHERE action = 'bulk-reminder.bounced' AND after->>'itemId' = $1`, [items['1'].id]);
  expect(told).toHaveLength(1);
}, 120_000);

it('refuses a malformed list naming its line and field, and blocks execution on list rows that match no apartment', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId, apartments } = await given(tenant, acme);
  const bad = await refused(acme, CREATE, { input: { action: 'REMINDER', scope: { buildingIds: [buildingId], list: `apartmentId\n${apartments[0]!.id}\nnot-an-id\n` }, idempotencyKey: idempotencyKey() } });
  expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope.list.3.apartmentId', line: 3 });
  expect(await refused(acme, CREATE, { input: { action: 'REMINDER', scope: { buildingIds: [buildingId], floors: [1.5] }, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(await refused(acme, CREATE, { input: { action: 'REMINDER', scope: { buildingIds: [randomUUID()] }, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.scope.buildingIds.0' });

  const draft = (await ok(acme, CREATE, { input: { action: 'REMINDER', buildingId, scope: { list: 'unit\n1\n99\n' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
  const preview = (await ok(acme, DRY, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
  expect(preview.validationErrors).toEqual([{ field: 'scope.list.3.unit', code: 'UNKNOWN_APARTMENT', blocking: true }]);
  expect(preview.items.edges.map((e: any) => e.node.unit)).toEqual(['1']);
  expect(await refused(acme, EXECUTE, { input: { id: draft.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'VALIDATION_ERRORS' });
  expect(await deliveries(tenant, draft.id)).toEqual([]);
}, 90_000);

it('splits a common expense over the apartments a scope selects in one building, and refuses a scope over several', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [250, 250, 250, 250]);
  const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
  const other = (await givenBuilding(platform, tenant, acme, [1000])).buildingId;
  expect(
    await refused(acme, CREATE, { input: { action: 'COMMON_EXPENSE_ISSUE', scope: { buildingIds: [buildingId, other] }, commonExpense: { amount: gbp(1_000), method: 'EQUAL' }, idempotencyKey: idempotencyKey() } }),
  ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope.buildingIds' });
  const draft = (
    await ok(acme, CREATE, {
      input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, scope: { list: `apartmentId\n${apartments[1]!.id}\n${apartments[3]!.id}\n` }, commonExpense: { amount: gbp(1_001), method: 'EQUAL' }, idempotencyKey: idempotencyKey() },
    })
  ).createBulkJob.job;
  expect(draft.scope).toEqual({ buildingIds: [buildingId], listRows: 2 });
  const preview = (await ok(acme, DRY, { input: { id: draft.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
  expect(preview.items.edges.map((e: any) => e.node.unit)).toEqual(['2', '4']);
  await ok(acme, EXECUTE, { input: { id: draft.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() } });
  expect((await finished(acme, draft.id)).status).toBe('COMPLETED');
  const charges = await tenantRows(platform, 'collections', tenant, `SELECT apartment_id, amount_minor::int AS amount FROM ledger_entries WHERE building_id = $1 AND kind = 'charge' ORDER BY amount_minor`, [buildingId]);
  expect(charges.map((c) => c.amount)).toEqual([500, 501]);
  expect(new Set(charges.map((c) => c.apartment_id))).toEqual(new Set([apartments[1]!.id, apartments[3]!.id]));
}, 90_000);
