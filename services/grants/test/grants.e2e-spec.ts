// grants through the gateway on real PostgreSQL, a real SMTP server and pg-boss: the OFM pipeline,
// award, requirements and the Fluxx close rule, disbursements and `remaining`, reminders and
// renewal nudges, the dashboard, permissions, bad input on every mutation and tenant isolation.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { tenantRows } from '@commonhold/testing/src/support';
import { startSmtpSink, type SmtpSink } from '@commonhold/notifications/testing';
import { grantsWorkerOf } from '../src/modules/requirements';
import {
  ADD_REQUIREMENT,
  addRequirement,
  APPROVE,
  approved,
  AWARD,
  awardedRequest,
  buildRequest,
  CANCEL,
  CLOSE,
  CREATE_REQUEST,
  createRequest,
  day,
  GBP,
  idempotencyKey,
  ok,
  PAY,
  refused,
  REQUEST,
  SCHEDULE,
  scheduled,
  SET_REQUIREMENT,
  SET_STATUS,
  SUBMIT,
  tenantName,
} from './support';

let platform: TestPlatform;
let smtp: SmtpSink;

beforeAll(async () => {
  // Addresses at greylist.test are refused with 451 (a transient failure): their reminders are retried, then dead-lettered.
  smtp = await startSmtpSink({ rejectRecipient: (a) => (a.endsWith('@greylist.test') ? { code: 451, message: '4.7.1 greylisted, try later' } : undefined) });
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['grants'],
    serviceEnv: { grants: { SMTP_URL: smtp.url, GRANTS_POLL_SECONDS: '0.5', GRANTS_TICK_CRON: '', GRANTS_RETRY_DELAY_SECONDS: '1', GRANTS_REMINDER_ATTEMPTS: '2' } },
  });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await smtp?.close();
});

const worker = () => grantsWorkerOf(platform.services.grants!.runtime);
const key = idempotencyKey;
const rows = (tenant: string, sql: string, params: unknown[] = []) => tenantRows(platform, 'grants', tenant, sql, params);

describe('the application pipeline and the award', () => {
  it('takes an application from IN_PROGRESS through review to an award, once per idempotency key', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const funderContactId = randomUUID();
    const opportunityId = randomUUID();
    const input = buildRequest({ funderContactId, opportunityId, fundCode: 'youth', startDate: '2027-01-01', endDate: '2027-12-31' });
    const created = (await ok(acme, CREATE_REQUEST, { input })).createGrantRequest.request;
    expect(created).toMatchObject({ status: 'IN_PROGRESS', funder: { id: funderContactId }, opportunityId, fundCode: 'YOUTH', requested: GBP(3_000_000), awarded: null, remaining: { amountMinor: 0 } });
    expect((await ok(acme, CREATE_REQUEST, { input })).createGrantRequest.request.id).toBe(created.id);
    expect(await refused(acme, CREATE_REQUEST, { input: { ...input, name: 'Other' } })).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });

    for (const status of ['SUBMITTED', 'IN_REVIEW', 'REVIEWED']) await ok(acme, SET_STATUS, { input: { requestId: created.id, status, idempotencyKey: key() } });
    // AWARDED only through the award, which records the amount.
    expect(await refused(acme, SET_STATUS, { input: { requestId: created.id, status: 'AWARDED', idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
    const awarded = (await ok(acme, AWARD, { input: { requestId: created.id, awarded: GBP(2_500_000), awardedOn: day(0), idempotencyKey: key() } })).awardGrantRequest.request;
    expect(awarded).toMatchObject({ status: 'AWARDED', awarded: GBP(2_500_000), awardedOn: day(0), remaining: { amountMinor: 2_500_000 }, unscheduled: { amountMinor: 2_500_000 } });
    // The award is a financial decision: audited with the trace id.
    expect(await rows(tenant, `SELECT after->'awarded' AS awarded, trace_id FROM audit_events WHERE entity_id = $1 AND action = 'grant-request.awarded'`, [created.id])).toEqual([
      { awarded: GBP(2_500_000), trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
  });

  it('refuses moves the pipeline does not allow, and awards only a submitted application', async () => {
    const acme = platform.as(tenantName('acme'));
    const id = await createRequest(acme);
    expect(await refused(acme, SET_STATUS, { input: { requestId: id, status: 'IN_REVIEW', idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
    expect(await refused(acme, AWARD, { input: { requestId: id, awarded: GBP(100), idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', field: 'input.requestId' });
    await ok(acme, SET_STATUS, { input: { requestId: id, status: 'WITHDRAWN', idempotencyKey: key() } });
    expect(await refused(acme, SET_STATUS, { input: { requestId: id, status: 'IN_PROGRESS', idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('closing (Fluxx: only after the final report is approved)', () => {
  it('refuses to close a grant while its final report is pending, naming the reason, and closes it once approved', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const id = await awardedRequest(acme);
    // No final report at all.
    expect(await refused(acme, CLOSE, { input: { requestId: id, idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', field: 'input.requestId', reason: 'FINAL_REPORT_PENDING' });
    const interim = await addRequirement(acme, id, { name: 'Interim report', finalReport: false });
    const final = await addRequirement(acme, id);
    await ok(acme, SET_REQUIREMENT, { input: { requirementId: interim, status: 'SUBMITTED', idempotencyKey: key() } });
    await ok(acme, SET_REQUIREMENT, { input: { requirementId: interim, status: 'APPROVED', idempotencyKey: key() } });
    expect(await refused(acme, CLOSE, { input: { requestId: id, idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', reason: 'FINAL_REPORT_PENDING' });
    await ok(acme, SET_REQUIREMENT, { input: { requirementId: final, status: 'SUBMITTED', idempotencyKey: key() } });
    expect(await refused(acme, CLOSE, { input: { requestId: id, idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', reason: 'FINAL_REPORT_PENDING' });
    expect((await ok(acme, REQUEST, { id })).grantRequest.status).toBe('AWARDED');

    await ok(acme, SET_REQUIREMENT, { input: { requirementId: final, status: 'APPROVED', idempotencyKey: key() } });
    expect((await ok(acme, CLOSE, { input: { requestId: id, idempotencyKey: key() } })).closeGrantRequest.request).toMatchObject({ status: 'CLOSED', closedAt: expect.any(String) });
    const audit = await rows(tenant, `SELECT action, trace_id FROM audit_events WHERE entity_id = $1 AND action = 'grant-request.closed'`, [id]);
    expect(audit).toEqual([{ action: 'grant-request.closed', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
  });

  it('refuses to close an application never awarded', async () => {
    const acme = platform.as(tenantName('acme'));
    const id = await createRequest(acme);
    expect(await refused(acme, CLOSE, { input: { requestId: id, idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', reason: 'NOT_AWARDED' });
  });
});

describe('disbursements and remaining', () => {
  it('schedules within the award, pays through approval, counts cancelled against remaining, and marks the grant fully disbursed', async () => {
    const acme = platform.as(tenantName('acme'));
    const id = await awardedRequest(acme, 1_000_000);
    const first = await approved(acme, id, 600_000);
    const second = await scheduled(acme, id, 300_000);
    // 100,000 left to schedule: 100,001 is refused and nothing is written.
    expect(await refused(acme, SCHEDULE, { input: { requestId: id, amount: GBP(100_001), scheduledDate: day(30), idempotencyKey: key() } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.amount.amountMinor',
    });
    // Paying needs approval first.
    expect(await refused(acme, PAY, { input: { disbursementId: second, idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', field: 'input.disbursementId' });
    const paid = (await ok(acme, PAY, { input: { disbursementId: first, paidOn: day(0), idempotencyKey: key() } })).payGrantDisbursement.disbursement;
    expect(paid).toMatchObject({ status: 'PAID', paidOn: day(0), amount: GBP(600_000) });
    expect(await refused(acme, CANCEL, { input: { disbursementId: first, idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT' });
    await ok(acme, CANCEL, { input: { disbursementId: second, idempotencyKey: key() } });
    let g = (await ok(acme, REQUEST, { id })).grantRequest;
    expect(g).toMatchObject({ status: 'AWARDED', disbursed: { amountMinor: 600_000 }, cancelled: { amountMinor: 300_000 }, remaining: { amountMinor: 100_000 }, unscheduled: { amountMinor: 100_000 } });
    const last = await approved(acme, id, 100_000);
    await ok(acme, PAY, { input: { disbursementId: last, idempotencyKey: key() } });
    g = (await ok(acme, REQUEST, { id })).grantRequest;
    expect(g).toMatchObject({ status: 'FULLY_DISBURSED', remaining: { amountMinor: 0 }, unscheduled: { amountMinor: 0 } });
    expect(await refused(acme, SCHEDULE, { input: { requestId: id, amount: GBP(1), scheduledDate: day(30), idempotencyKey: key() } })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('never schedules past the award under concurrent requests', async () => {
    const acme = platform.as(tenantName('acme'));
    const id = await awardedRequest(acme, 1_000_000);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => acme(SCHEDULE, { input: { requestId: id, amount: GBP(300_000), scheduledDate: day(10), idempotencyKey: key() } })),
    );
    expect(results.filter((r) => !r.errors).length).toBe(3);
    expect(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions?.code)).toEqual(Array(5).fill('BAD_USER_INPUT'));
    expect((await ok(acme, REQUEST, { id })).grantRequest.unscheduled).toEqual({ amountMinor: 100_000 });
  });

  it('lets a grants manager approve but not pay, and finance pay', async () => {
    const tenant = tenantName('acme');
    const manager = platform.as(tenant, { roles: ['grants_manager'] });
    const finance = platform.as(tenant, { roles: ['finance'] });
    const fundraiser = platform.as(tenant, { roles: ['fundraiser'] });
    expect(await refused(fundraiser, CREATE_REQUEST, { input: buildRequest() })).toMatchObject({ code: 'FORBIDDEN', permission: 'grants:write' });
    const id = await awardedRequest(manager, 500_000);
    const d = await approved(manager, id, 500_000);
    expect(await refused(manager, PAY, { input: { disbursementId: d, idempotencyKey: key() } })).toMatchObject({ code: 'FORBIDDEN', permission: 'disbursements:pay' });
    expect(await refused(finance, APPROVE, { input: { disbursementId: d, idempotencyKey: key() } })).toMatchObject({ code: 'FORBIDDEN', permission: 'disbursements:approve' });
    expect((await ok(finance, PAY, { input: { disbursementId: d, idempotencyKey: key() } })).payGrantDisbursement.disbursement.status).toBe('PAID');
  });
});

describe('reminders and renewal nudges (pg-boss + packages/notifications)', () => {
  it('emails a deliverable reminder once when it falls due, never for an approved one', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const id = await awardedRequest(acme);
    const address = `grants-${randomUUID()}@charity.example`;
    const due = await addRequirement(acme, id, { name: 'Interim report Q1', finalReport: false, dueDate: day(5), remindDaysBefore: 7, reminderEmail: address });
    await addRequirement(acme, id, { name: 'Year-end report', dueDate: day(40), remindDaysBefore: 7, reminderEmail: address });
    const done = await addRequirement(acme, id, { name: 'Contract', type: 'CONTRACT', finalReport: false, dueDate: day(2), reminderEmail: address });
    await ok(acme, SET_REQUIREMENT, { input: { requirementId: done, status: 'SUBMITTED', idempotencyKey: key() } });
    await ok(acme, SET_REQUIREMENT, { input: { requirementId: done, status: 'APPROVED', idempotencyKey: key() } });
    const first = await (await worker()).tick();
    expect(first.reminders).toContain(due);
    expect(first.reminders).not.toContain(done);
    const mail = await eventually(async () => smtp.messages.find((m) => m.envelope.rcptTo.includes(address)));
    expect(String(mail.raw)).toContain('Interim report Q1');
    await eventually(async () => (await rows(tenant, 'SELECT reminded_at FROM grant_requirements WHERE id = $1', [due]))[0]?.reminded_at);
    // The next tick sends nothing more (the year-end report is not due for its reminder yet).
    expect((await (await worker()).tick()).reminders.filter((r: string) => r === due)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes(address))).toHaveLength(1);
    const audit = await rows(tenant, `SELECT trace_id FROM audit_events WHERE entity_id = $1 AND action = 'grant-requirement.reminded'`, [due]);
    expect(audit).toEqual([{ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
  });

  it('retries a deferred reminder, then dead-letters it once (audited) and queues it no more', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const id = await awardedRequest(acme);
    const req = await addRequirement(acme, id, { name: 'Budget report', finalReport: false, dueDate: day(3), reminderEmail: `ops-${randomUUID()}@greylist.test` });
    expect((await (await worker()).tick()).reminders).toContain(req);
    const audit = async () => rows(tenant, `SELECT action, trace_id FROM audit_events WHERE entity_id = $1 AND action LIKE 'grant-requirement.remind%'`, [req]);
    expect(await eventually(async () => ((await audit()).length ? audit() : undefined), { timeoutMs: 30_000 })).toEqual([
      { action: 'grant-requirement.reminder-dead-lettered', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect((await (await worker()).tick()).reminders).not.toContain(req);
    const [delivery] = await rows(tenant, `SELECT status, (record->>'attempts')::int AS attempts FROM notification_deliveries WHERE idempotency_key = $1`, [`grant-requirement-reminder:${req}`]);
    expect(delivery).toEqual({ status: 'deferred', attempts: 2 });
  }, 60_000);

  it('creates one draft renewal application when a grant nears its end date', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const funderContactId = randomUUID();
    const ending = await awardedRequest(acme, 1_200_000, { funderContactId, fundCode: 'ARTS' }, { startDate: day(-300), endDate: day(60) });
    const later = await awardedRequest(acme, 500_000, {}, { endDate: day(200) });
    await (await worker()).tick();
    await (await worker()).tick();
    const drafts = await rows(tenant, `SELECT id, renewal_of_id, status, funder_contact_id, requested_minor, fund_code FROM grant_requests WHERE renewal_of_id IS NOT NULL`);
    expect(drafts).toEqual([{ id: expect.any(String), renewal_of_id: ending, status: 'IN_PROGRESS', funder_contact_id: funderContactId, requested_minor: '1200000', fund_code: 'ARTS' }]);
    expect((await ok(acme, REQUEST, { id: drafts[0]!.id })).grantRequest).toMatchObject({ renewalOf: { id: ending }, requested: GBP(1_200_000) });
    expect(later).toBeDefined();
  });
});

describe('the dashboard', () => {
  it('shows the pipeline by status, award conversion, upcoming deliverables and awarded vs paid', async () => {
    const acme = platform.as(tenantName('acme'));
    const won = await awardedRequest(acme, 1_000_000);
    const lost = await createRequest(acme);
    await ok(acme, SET_STATUS, { input: { requestId: lost, status: 'SUBMITTED', idempotencyKey: key() } });
    await ok(acme, SET_STATUS, { input: { requestId: lost, status: 'REJECTED', idempotencyKey: key() } });
    await createRequest(acme);
    const report = await addRequirement(acme, won, { dueDate: day(10) });
    await addRequirement(acme, won, { name: 'Outcome', type: 'OUTCOME', finalReport: false, dueDate: day(100) });
    const d = await approved(acme, won, 400_000);
    await ok(acme, PAY, { input: { disbursementId: d, idempotencyKey: key() } });
    const dash = (
      await ok(
        acme,
        `{ grantsDashboard { pipeline { status count requested { amountMinor currency } } awardConversionRate upcomingDeliverables(days: 30) { id dueDate } awardedVsPaid { currency awarded { amountMinor } paid { amountMinor } } } }`,
      )
    ).grantsDashboard;
    expect(dash.pipeline).toEqual(
      expect.arrayContaining([
        { status: 'AWARDED', count: 1, requested: [GBP(3_000_000)] },
        { status: 'REJECTED', count: 1, requested: [GBP(3_000_000)] },
        { status: 'IN_PROGRESS', count: 1, requested: [GBP(3_000_000)] },
      ]),
    );
    expect(dash.awardConversionRate).toBe(0.5);
    expect(dash.upcomingDeliverables).toEqual([{ id: report, dueDate: day(10) }]);
    expect(dash.awardedVsPaid).toEqual([{ currency: 'GBP', awarded: { amountMinor: 1_000_000 }, paid: { amountMinor: 400_000 } }]);
  });
});

describe('bad input on every mutation: typed errors naming the field, nothing written', () => {
  it('refuses each bad field', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const id = await awardedRequest(acme, 1_000_000);
    const req = await addRequirement(acme, id, { finalReport: false });
    const d = await scheduled(acme, id, 100_000);
    const before = await rows(tenant, `SELECT (SELECT count(*) FROM grant_requests) AS r, (SELECT count(*) FROM grant_requirements) AS q, (SELECT count(*) FROM grant_disbursements) AS d`);
    const cases: [string, Record<string, unknown>, string, string][] = [
      [CREATE_REQUEST, buildRequest({ name: '  ' }), 'BAD_USER_INPUT', 'input.name'],
      [CREATE_REQUEST, buildRequest({ funderContactId: 'not-a-uuid' }), 'BAD_USER_INPUT', 'input.funderContactId'],
      [CREATE_REQUEST, buildRequest({ requested: GBP(0) }), 'BAD_USER_INPUT', 'input.requested.amountMinor'],
      [CREATE_REQUEST, buildRequest({ requested: { amountMinor: 100, currency: 'pounds' } }), 'BAD_USER_INPUT', 'input.requested.currency'],
      [CREATE_REQUEST, buildRequest({ status: 'AWARDED' }), 'BAD_USER_INPUT', 'input.status'],
      [CREATE_REQUEST, buildRequest({ startDate: '2027-06-01', endDate: '2027-01-01' }), 'BAD_USER_INPUT', 'input.endDate'],
      [CREATE_REQUEST, buildRequest({ fundCode: 'no spaces please' }), 'BAD_USER_INPUT', 'input.fundCode'],
      [SET_STATUS, { requestId: id, status: 'SUBMITTED', idempotencyKey: key() }, 'CONFLICT', 'input.status'],
      [AWARD, { requestId: id, awarded: { amountMinor: 100, currency: 'EUR' }, idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.awarded.currency'],
      [AWARD, { requestId: id, awarded: GBP(-5), idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.awarded.amountMinor'],
      [AWARD, { requestId: id, awarded: GBP(5), awardedOn: day(3), idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.awardedOn'],
      [CLOSE, { requestId: 'nope', idempotencyKey: key() }, 'NOT_FOUND', 'input.requestId'],
      [ADD_REQUIREMENT, { requestId: id, type: 'OUTCOME', name: 'x', dueDate: day(3), finalReport: true, idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.finalReport'],
      [ADD_REQUIREMENT, { requestId: id, type: 'REPORT', name: 'x', dueDate: '2027-02-30', idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.dueDate'],
      [ADD_REQUIREMENT, { requestId: id, type: 'REPORT', name: 'x', dueDate: day(3), remindDaysBefore: 400, idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.remindDaysBefore'],
      [ADD_REQUIREMENT, { requestId: id, type: 'REPORT', name: 'x', dueDate: day(3), reminderEmail: 'nobody', idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.reminderEmail'],
      [SET_REQUIREMENT, { requirementId: req, status: 'APPROVED', idempotencyKey: key() }, 'CONFLICT', 'input.status'],
      [SCHEDULE, { requestId: id, amount: GBP(100), scheduledDate: 'tomorrow', idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.scheduledDate'],
      [SCHEDULE, { requestId: id, amount: { amountMinor: 100, currency: 'EUR' }, scheduledDate: day(1), idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.amount.currency'],
      [SCHEDULE, { requestId: id, amount: GBP(900_001), scheduledDate: day(1), idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.amount.amountMinor'],
      [SUBMIT, { disbursementId: randomUUID(), idempotencyKey: key() }, 'NOT_FOUND', 'input.disbursementId'],
      [APPROVE, { disbursementId: d, idempotencyKey: key() }, 'CONFLICT', 'input.disbursementId'],
      [PAY, { disbursementId: d, paidOn: day(2), idempotencyKey: key() }, 'BAD_USER_INPUT', 'input.paidOn'],
      [CANCEL, { disbursementId: 'x', idempotencyKey: key() }, 'NOT_FOUND', 'input.disbursementId'],
    ];
    for (const [op, input, code, field] of cases) {
      expect([field, await refused(acme, op, { input })]).toEqual([field, expect.objectContaining({ code, field })]);
    }
    // A request not yet awarded takes no disbursement.
    const draft = await createRequest(acme);
    expect(await refused(acme, SCHEDULE, { input: { requestId: draft, amount: GBP(100), scheduledDate: day(1), idempotencyKey: key() } })).toMatchObject({ code: 'CONFLICT', field: 'input.requestId' });
    const after = await rows(tenant, `SELECT (SELECT count(*) FROM grant_requests) - 1 AS r, (SELECT count(*) FROM grant_requirements) AS q, (SELECT count(*) FROM grant_disbursements) AS d`);
    expect(after.map((r) => ({ ...r, r: String(r.r) }))).toEqual(before);
  });
});

describe('tenant isolation', () => {
  it('does not return or change another tenant’s grants through any query or mutation', async () => {
    const acme = platform.as(tenantName('acme'));
    const bravo = platform.as(tenantName('bravo'));
    const id = await awardedRequest(acme, 1_000_000);
    const report = await addRequirement(acme, id);
    const d = await approved(acme, id, 100_000);
    const s = await scheduled(acme, id, 100_000);
    expect((await ok(bravo, REQUEST, { id })).grantRequest).toBeNull();
    expect((await ok(bravo, `query($id: ID!) { grantDisbursement(id: $id) { id } }`, { id: d })).grantDisbursement).toBeNull();
    expect((await ok(bravo, `query($id: ID!) { grantRequirement(id: $id) { id } }`, { id: report })).grantRequirement).toBeNull();
    expect((await ok(bravo, `{ grantRequests(first: 50) { edges { node { id } } } }`)).grantRequests.edges).toEqual([]);
    expect((await ok(bravo, `{ grantsDashboard { pipeline { status } awardedVsPaid { currency } } }`)).grantsDashboard).toEqual({ pipeline: [], awardedVsPaid: [] });
    const attempts: [string, Record<string, unknown>, string][] = [
      [SET_STATUS, { requestId: id, status: 'WITHDRAWN' }, 'input.requestId'],
      [AWARD, { requestId: id, awarded: GBP(1) }, 'input.requestId'],
      [CLOSE, { requestId: id }, 'input.requestId'],
      [ADD_REQUIREMENT, { requestId: id, type: 'REPORT', name: 'x', dueDate: day(3) }, 'input.requestId'],
      [SET_REQUIREMENT, { requirementId: report, status: 'SUBMITTED' }, 'input.requirementId'],
      [SCHEDULE, { requestId: id, amount: GBP(1), scheduledDate: day(3) }, 'input.requestId'],
      [SUBMIT, { disbursementId: s }, 'input.disbursementId'],
      [APPROVE, { disbursementId: s }, 'input.disbursementId'],
      [PAY, { disbursementId: d }, 'input.disbursementId'],
      [CANCEL, { disbursementId: d }, 'input.disbursementId'],
    ];
    for (const [op, input, field] of attempts) expect([field, await refused(bravo, op, { input: { ...input, idempotencyKey: key() } })]).toEqual([field, expect.objectContaining({ code: 'NOT_FOUND', field })]);
    const g = (await ok(acme, REQUEST, { id })).grantRequest;
    expect(g).toMatchObject({ status: 'AWARDED', disbursed: { amountMinor: 0 }, requirements: [{ status: 'OPEN' }] });
    expect(g.disbursements.map((x: { status: string }) => x.status).sort()).toEqual(['APPROVED', 'SCHEDULED']);
  });
});
