// Dunning policies (versioned, apartment > building > tenant default), the dunning preview, and
// promises to pay (kept on payment through the ledger event, broken by the evaluation) through
// the gateway on real PostgreSQL; permissions and tenant isolation.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { tenantRows } from '@commonhold/testing/src/support';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { errorOf, givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;
const seen: { type: string; subject: string; data: any }[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
  await platform.transports[0]!.subscribe('promises-e2e.watch', ['collections.promise-to-pay'], async (m) => {
    seen.push({ type: m.headers.ce_type!, subject: m.headers.ce_subject!, data: JSON.parse(m.value) });
  });
}, 120_000);
afterAll(async () => platform?.stop());

const tenant = () => `acme-${randomUUID()}`;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });

const SET = `mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id scope version removed building { id } apartment { id }
  steps { key bucket channel template frequencyDays attempts graceDays escalation } lateFees { kind amountMinor basisPoints frequency } } } }`;
const REMOVE = `mutation($input: RemoveDunningPolicyOverrideInput!) { removeDunningPolicyOverride(input: $input) { policy { id version removed steps { key } } } }`;
const PREVIEW = `query($id: ID!, $asOf: Date) { dunningPreview(apartmentId: $id, asOf: $asOf) { action stepKey channel template attempt until escalation reason promiseActive
  policy { id scope version } balance { bucket oldestDaysPastDue } lateFees { rule amount { amountMinor } } } }`;
const PROMISE = `mutation($input: MakePromiseToPayInput!) { makePromiseToPay(input: $input) { promise { id status total { amountMinor } paid { amountMinor } instalments { dueOn amount { amountMinor } } } } }`;
const PROMISE_OF = `query($id: ID!) { promiseToPay(id: $id) { id status paid { amountMinor } shortOn resolvedOn } }`;
const EVALUATE = `mutation($input: EvaluatePromisesToPayInput!) { evaluatePromisesToPay(input: $input) { kept broken active } }`;

const step = (k: string, bucket: string, channel: string, extra: Record<string, unknown> = {}) => ({ key: k, bucket, channel, template: `reminder.${k}`, ...extra });
const charge = (call: Caller, apartmentId: string, amountMinor: number, dueOn: string) =>
  call<any>(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
    input: { apartmentId, type: 'COMMON_EXPENSE', amount: gbp(amountMinor), bookedOn: dueOn, dueOn, idempotencyKey: key() },
  });
const pay = (call: Caller, apartmentId: string, amountMinor: number) =>
  call<any>(`mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { entry { id } } }`, { input: { apartmentId, amount: gbp(amountMinor), bookedOn: day(0), idempotencyKey: key() } });

describe('dunning policies', () => {
  it('versions every change and resolves apartment over building over tenant default', async () => {
    const acme = platform.as(tenant());
    const { building, apartments } = await givenBuilding(acme, 2);
    const [a1, a2] = apartments.map((a) => a.id);
    ok(await charge(acme, a1!, 10_000, day(-40)));
    ok(await charge(acme, a2!, 10_000, day(-40)));

    const v1 = ok(await acme<any>(SET, { input: { scope: 'TENANT', steps: [step('letter', 'D31_60', 'LETTER')], idempotencyKey: key() } })).setDunningPolicy.policy;
    const v2 = ok(
      await acme<any>(SET, {
        input: {
          scope: 'TENANT',
          steps: [step('email', 'D31_60', 'EMAIL', { attempts: 2, frequencyDays: 5, escalation: 'MANAGER_TASK' })],
          lateFees: [{ kind: 'FLAT', amountMinor: 2_500, graceDays: 10 }],
          idempotencyKey: key(),
        },
      }),
    ).setDunningPolicy.policy;
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2).toMatchObject({ scope: 'TENANT', removed: false, steps: [{ key: 'email', bucket: 'D31_60', channel: 'EMAIL', frequencyDays: 5, attempts: 2, graceDays: 0, escalation: 'MANAGER_TASK' }], lateFees: [{ kind: 'FLAT', amountMinor: 2_500, frequency: 'ONCE' }] });
    const versions = ok(await acme<any>(`{ dunningPolicyVersions(scope: TENANT, first: 1) { edges { node { version } } pageInfo { hasNextPage endCursor } } }`)).dunningPolicyVersions;
    expect(versions).toMatchObject({ edges: [{ node: { version: 2 } }], pageInfo: { hasNextPage: true } });

    expect(ok(await acme<any>(PREVIEW, { id: a1 })).dunningPreview).toMatchObject({
      action: 'SEND',
      stepKey: 'email',
      channel: 'EMAIL',
      template: 'reminder.email',
      attempt: 1,
      policy: { id: v2.id, scope: 'TENANT', version: 2 },
      balance: { bucket: 'D31_60', oldestDaysPastDue: 40 },
      lateFees: [{ rule: 0, amount: { amountMinor: 2_500 } }],
    });

    const b1 = ok(await acme<any>(SET, { input: { scope: 'BUILDING', buildingId: building.id, steps: [step('sms', 'D31_60', 'SMS')], idempotencyKey: key() } })).setDunningPolicy.policy;
    expect(b1).toMatchObject({ scope: 'BUILDING', version: 1, building: { id: building.id } });
    const ap = ok(await acme<any>(SET, { input: { scope: 'APARTMENT', apartmentId: a1, steps: [step('call-letter', 'D31_60', 'LETTER', { graceDays: 45 })], idempotencyKey: key() } })).setDunningPolicy.policy;
    expect(ok(await acme<any>(PREVIEW, { id: a1 })).dunningPreview).toMatchObject({ action: 'WAIT', stepKey: 'call-letter', until: day(5), reason: 'grace', policy: { id: ap.id } });
    expect(ok(await acme<any>(PREVIEW, { id: a2 })).dunningPreview).toMatchObject({ action: 'SEND', stepKey: 'sms', policy: { id: b1.id } });

    const removed = ok(await acme<any>(REMOVE, { input: { scope: 'APARTMENT', apartmentId: a1, idempotencyKey: key() } })).removeDunningPolicyOverride.policy;
    expect(removed).toMatchObject({ version: 2, removed: true, steps: [] });
    expect(ok(await acme<any>(PREVIEW, { id: a1 })).dunningPreview).toMatchObject({ stepKey: 'sms', policy: { id: b1.id } });
    expect(ok(await acme<any>(`query($id: ID!) { dunningPolicy(scope: APARTMENT, apartmentId: $id) { id } }`, { id: a1 })).dunningPolicy).toBeNull();
    expect(errorOf(await acme(REMOVE, { input: { scope: 'APARTMENT', apartmentId: a1, idempotencyKey: key() } })).code).toBe('CONFLICT');
    expect(errorOf(await acme(REMOVE, { input: { scope: 'TENANT', idempotencyKey: key() } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope' });
  });

  it('refuses invalid policies naming the field, and saves nothing', async () => {
    const acme = platform.as(tenant());
    const cases: [Record<string, unknown>, string][] = [
      [{ scope: 'TENANT', steps: [] }, 'input.steps'],
      [{ scope: 'TENANT', steps: [step('a', 'D0_30', 'EMAIL'), step('a', 'D0_30', 'SMS')] }, 'input.steps.1.key'],
      [{ scope: 'TENANT', steps: [step('a', 'D0_30', 'EMAIL', { attempts: 11 })] }, 'input.steps.0.attempts'],
      [{ scope: 'TENANT', steps: [step('a', 'D0_30', 'EMAIL')], lateFees: [{ kind: 'PERCENT' }] }, 'input.lateFees.0.basisPoints'],
      [{ scope: 'BUILDING', buildingId: randomUUID(), steps: [step('a', 'D0_30', 'EMAIL')] }, 'input.buildingId'],
    ];
    for (const [input, field] of cases) expect(errorOf(await acme(SET, { input: { ...input, idempotencyKey: key() } }))).toMatchObject({ field });
    expect(ok(await acme<any>(`{ dunningPolicy(scope: TENANT) { id } }`)).dunningPolicy).toBeNull();
  });

  it('lets only policy roles change policies, and never another tenant’s', async () => {
    const id = tenant();
    const acme = platform.as(id);
    const { building } = await givenBuilding(acme, 1);
    const finance = platform.as(id, { roles: ['finance'] });
    expect(errorOf(await finance(SET, { input: { scope: 'TENANT', steps: [step('a', 'D0_30', 'EMAIL')], idempotencyKey: key() } })).code).toBe('FORBIDDEN');
    ok(await acme(SET, { input: { scope: 'BUILDING', buildingId: building.id, steps: [step('a', 'D0_30', 'EMAIL')], idempotencyKey: key() } }));
    const bravo = platform.as(tenant());
    expect(errorOf(await bravo(SET, { input: { scope: 'BUILDING', buildingId: building.id, steps: [step('a', 'D0_30', 'EMAIL')], idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    expect(ok(await bravo<any>(`query($id: ID) { dunningPolicy(scope: BUILDING, buildingId: $id) { id } }`, { id: building.id })).dunningPolicy).toBeNull();
  });
});

describe('promises to pay', () => {
  it('is kept by a payment posted to the ledger, and pauses dunning while active', async () => {
    const acme = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 1);
    const apt = apartments[0]!.id;
    expect(errorOf(await acme(PROMISE, { input: { apartmentId: apt, instalments: [{ dueOn: day(10), amount: gbp(1_000) }], idempotencyKey: key() } }))).toMatchObject({ code: 'CONFLICT', field: 'input.apartmentId' });
    ok(await charge(acme, apt, 30_000, day(-35)));
    ok(await acme(SET, { input: { scope: 'TENANT', steps: [step('letter', 'D31_60', 'LETTER')], idempotencyKey: key() } }));
    const input = { apartmentId: apt, instalments: [{ dueOn: day(5), amount: gbp(10_000) }, { dueOn: day(20), amount: gbp(20_000) }], idempotencyKey: key() };
    const promise = ok(await acme<any>(PROMISE, { input })).makePromiseToPay.promise;
    expect(promise).toMatchObject({ status: 'ACTIVE', total: { amountMinor: 30_000 }, paid: { amountMinor: 0 } });
    expect(ok(await acme<any>(PROMISE, { input })).makePromiseToPay.promise.id).toBe(promise.id);
    expect(errorOf(await acme(PROMISE, { input: { ...input, idempotencyKey: key() } })).code).toBe('CONFLICT');
    expect(errorOf(await acme(PROMISE, { input: { apartmentId: apt, instalments: [{ dueOn: day(-1), amount: gbp(1) }], idempotencyKey: key() } }))).toMatchObject({ field: 'input.instalments.0.dueOn' });
    expect(ok(await acme<any>(PREVIEW, { id: apt })).dunningPreview).toMatchObject({ action: 'NONE', reason: 'promise to pay active', promiseActive: true });

    ok(await pay(acme, apt, 10_000));
    await eventually(async () => (ok(await acme<any>(PROMISE_OF, { id: promise.id })).promiseToPay.paid.amountMinor === 10_000 ? true : null));
    expect(ok(await acme<any>(PROMISE_OF, { id: promise.id })).promiseToPay.status).toBe('ACTIVE');
    ok(await pay(acme, apt, 20_000));
    const kept = await eventually(async () => {
      const p = ok(await acme<any>(PROMISE_OF, { id: promise.id })).promiseToPay;
      return p.status === 'KEPT' ? p : null;
    });
    expect(kept).toMatchObject({ paid: { amountMinor: 30_000 }, resolvedOn: day(0), shortOn: null });
    const audit = ok(await acme<any>(`query($id: ID!) { collectionsAuditEvents(entityId: $id) { edges { node { action } } } }`, { id: promise.id })).collectionsAuditEvents.edges;
    expect(audit.map((e: any) => e.node.action)).toEqual(['promise-to-pay.made', 'promise-to-pay.kept']);
    const events = await eventually(async () => (seen.some((e) => e.subject === promise.id && e.type.endsWith('.kept.v1')) ? seen.filter((e) => e.subject === promise.id) : null));
    expect(events.map((e) => e.type)).toEqual(['commonhold.collections.promise-to-pay.made.v1', 'commonhold.collections.promise-to-pay.kept.v1']);
  });

  it('is broken by the evaluation once an instalment date passes short, and dunning resumes', async () => {
    const id = tenant();
    const acme = platform.as(id);
    const { apartments } = await givenBuilding(acme, 1);
    const apt = apartments[0]!.id;
    ok(await charge(acme, apt, 30_000, day(-35)));
    ok(await acme(SET, { input: { scope: 'TENANT', steps: [step('letter', 'D31_60', 'LETTER')], idempotencyKey: key() } }));
    const promise = ok(await acme<any>(PROMISE, { input: { apartmentId: apt, instalments: [{ dueOn: day(0), amount: gbp(30_000) }], idempotencyKey: key() } })).makePromiseToPay.promise;
    expect(ok(await acme<any>(EVALUATE, { input: { idempotencyKey: key() } })).evaluatePromisesToPay).toEqual({ kept: 0, broken: 0, active: 1 });
    ok(await pay(acme, apt, 5_000));
    // Time passes: the instalment fell due yesterday (the arrangement moves the date back, as a clock would move forward).
    await tenantRows(platform, 'collections', id, `UPDATE promises_to_pay SET instalments = jsonb_set(instalments, '{0,dueOn}', to_jsonb($2::text)) WHERE id = $1`, [promise.id, day(-1)]);
    // The payment's own evaluation may run before or after the move; either way the explicit one decides.
    const bravo = platform.as(tenant());
    expect(ok(await bravo<any>(EVALUATE, { input: { idempotencyKey: key() } })).evaluatePromisesToPay).toEqual({ kept: 0, broken: 0, active: 0 });
    const counts = ok(await acme<any>(EVALUATE, { input: { idempotencyKey: key() } })).evaluatePromisesToPay;
    const broken = ok(await acme<any>(PROMISE_OF, { id: promise.id })).promiseToPay;
    expect(broken).toMatchObject({ status: 'BROKEN', shortOn: day(-1), paid: { amountMinor: 5_000 } });
    expect(counts.kept).toBe(0);
    expect(ok(await acme<any>(PREVIEW, { id: apt })).dunningPreview).toMatchObject({ action: 'SEND', stepKey: 'letter', promiseActive: false });
    const audit = ok(await acme<any>(`query($id: ID!) { collectionsAuditEvents(entityId: $id) { edges { node { action traceId } } } }`, { id: promise.id })).collectionsAuditEvents.edges;
    expect(audit.map((e: any) => e.node.action)).toEqual(['promise-to-pay.made', 'promise-to-pay.broken']);
    expect(await eventually(async () => seen.find((e) => e.subject === promise.id && e.type.endsWith('.broken.v1')))).toMatchObject({ data: { shortOn: day(-1), paidMinor: 5_000 } });
    // A new promise can be made after a broken one.
    ok(await acme(PROMISE, { input: { apartmentId: apt, instalments: [{ dueOn: day(3), amount: gbp(25_000) }], idempotencyKey: key() } }));
  });

  it('does not return another tenant’s promise nor let it promise for another tenant’s apartment', async () => {
    const acme = platform.as(tenant());
    const bravo = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 1);
    ok(await charge(acme, apartments[0]!.id, 1_000, day(-3)));
    const promise = ok(await acme<any>(PROMISE, { input: { apartmentId: apartments[0]!.id, instalments: [{ dueOn: day(3), amount: gbp(1_000) }], idempotencyKey: key() } })).makePromiseToPay.promise;
    expect(ok(await bravo<any>(PROMISE_OF, { id: promise.id })).promiseToPay).toBeNull();
    expect(errorOf(await bravo(PROMISE, { input: { apartmentId: apartments[0]!.id, instalments: [{ dueOn: day(3), amount: gbp(1_000) }], idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    expect(ok(await bravo<any>(PREVIEW, { id: apartments[0]!.id })).dunningPreview).toBeNull();
  });
});
