// NC-207 through the gateway on real PostgreSQL with a real SMTP server: an overdue apartment, the
// tenant's scheduled run, the email received, a promise to pay, the payment, kept; the broken
// promise path escalating at once; dry runs; runs raced, re-run and resumed after a crash sending
// one reminder per run/apartment/channel/step; retries ending in a dead letter and its re-drive;
// the run timeline fenced by scope.
import { randomUUID } from 'node:crypto';
import { setTenantFeatureFlag } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import { tenantRows } from '@commonhold/testing/src/support';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfText, startFakeTwilio, startSmtpSink, type FakeTwilio, type SmtpSink } from '@commonhold/notifications/testing';
import { dunningWorkerOf } from '../src/modules/runs';
import { errorOf, givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;
let smtp: SmtpSink;
let twilio: FakeTwilio;
const SID = `AC${'0'.repeat(31)}1`;
const letters = mkdtempSync(join(tmpdir(), 'nc207-letters-'));
// Addresses at greylist.test are refused with 451 (a transient failure) while this is true.
let greylisting = true;

beforeAll(async () => {
  smtp = await startSmtpSink({
    rejectRecipient: (a) => (greylisting && a.endsWith('@greylist.test') ? { code: 451, message: '4.7.1 greylisted, try later' } : undefined),
  });
  twilio = await startFakeTwilio({ accounts: { [SID]: 'test-auth-token-0123456789' } });
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['collections'],
    serviceEnv: {
      collections: {
        SMTP_URL: smtp.url,
        DUNNING_POLL_SECONDS: '0.5',
        DUNNING_RETRY_DELAY_SECONDS: '1',
        DUNNING_DELIVERY_ATTEMPTS: '2',
        DUNNING_SCHEDULE_CRON: '',
        SMS_PROVIDER: 'twilio',
        TWILIO_BASE_URL: twilio.url,
        TWILIO_ACCOUNT_SID: SID,
        TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789',
        SMS_FROM: '+447700900000',
        LETTER_OUTPUT_DIR: letters,
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await smtp?.close();
  await twilio?.close();
});

const worker = () => dunningWorkerOf(platform.services.collections!.runtime);
const tenant = () => `nc207-${randomUUID()}`;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const mailTo = (address: string) => smtp.messages.filter((m) => m.envelope.rcptTo.includes(address));

const RUN = `query($id: ID!) { dunningRun(id: $id) { id asOf dryRun trigger status reminders escalations
  events { edges { node { id kind channel stepKey bucket policyVersion policy { id version } attempt escalation status attempts recipient lastError reminderKey overdue { amountMinor currency } daysPastDue
    apartment { id } timeline { status attempt detail } } } } } }`;
const START = `mutation($input: StartDunningRunInput!) { startDunningRun(input: $input) { run { id dryRun trigger status } } }`;
const SCHEDULE = `mutation($input: SetDunningScheduleInput!) { setDunningSchedule(input: $input) { schedule { timeZone localHour enabled } } }`;
const SET_POLICY = `mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id version } } }`;
const PROMISE = `mutation($input: MakePromiseToPayInput!) { makePromiseToPay(input: $input) { promise { id status } } }`;
const PROMISE_OF = `query($id: ID!) { promiseToPay(id: $id) { id status } }`;

/** A tenant with a default policy (email in 31–60, then a manager task) and `n` apartments 40 days overdue, each with an emailable owner. */
async function given(n = 1, domain = 'example.org') {
  const id = tenant();
  const as = platform.as(id);
  const policy = ok(
    await as<any>(SET_POLICY, {
      input: {
        scope: 'TENANT',
        steps: [
          {
            key: 'email',
            bucket: 'D31_60',
            channel: 'EMAIL',
            template: 'dunning.reminder',
            attempts: 2,
            frequencyDays: 7,
            escalation: 'MANAGER_TASK',
          },
        ],
        idempotencyKey: key(),
      },
    }),
  ).setDunningPolicy.policy;
  const { building, apartments } = await givenBuilding(as, n);
  const owners: string[] = [];
  for (const a of apartments) {
    const email = `owner-${randomUUID().slice(0, 8)}@${domain}`;
    owners.push(email);
    ok(
      await as(`mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`, {
        input: {
          apartmentId: a.id,
          role: 'OWNER',
          name: 'Ada Owner',
          email,
          preferredChannel: 'EMAIL',
          consent: { email: true },
          idempotencyKey: key(),
        },
      }),
    );
    ok(
      await as(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
        input: {
          apartmentId: a.id,
          type: 'COMMON_EXPENSE',
          amount: gbp(30_000),
          bookedOn: day(-40),
          dueOn: day(-40),
          idempotencyKey: key(),
        },
      }),
    );
  }
  return { id, as, policy, building, apartments, owners };
}

const runOf = async (as: Caller, id: string) => ok(await as<any>(RUN, { id })).dunningRun;
const eventsOf = (run: any) => run.events.edges.map((e: any) => e.node);
/** Waits until no reminder of the run is PENDING. */
const settled = (as: Caller, id: string) =>
  eventually(
    async () => {
      const run = await runOf(as, id);
      return run.status === 'COMPLETED' && eventsOf(run).every((e: any) => e.status !== 'PENDING') ? run : null;
    },
    { timeoutMs: 30_000 },
  );

describe('NC-207: overdue → scheduled run → email → promise → payment → kept', () => {
  it('runs daily in the tenant’s time zone, emails the owner once, pauses on a promise and resolves on payment', async () => {
    const t = await given(1);
    const apartment = t.apartments[0]!.id;
    ok(
      await t.as(SCHEDULE, {
        input: {
          timeZone: 'Pacific/Kiritimati',
          localHour: 0,
          enabled: true,
          idempotencyKey: key(),
        },
      }),
    );

    // Two schedulers ticking at once create one run for the tenant's local day.
    const w = await worker();
    const [a, b] = await Promise.all([w.tick(), w.tick()]);
    const mine = await tenantRows(platform, 'collections', t.id, `SELECT id::text, trigger, to_char(as_of, 'YYYY-MM-DD') AS as_of FROM dunning_runs`);
    expect(mine).toHaveLength(1);
    expect([...a, ...b]).toContain(mine[0]!.id);
    const runId = mine[0]!.id as string;

    const run = await settled(t.as, runId);
    expect(run).toMatchObject({
      trigger: 'SCHEDULED',
      dryRun: false,
      reminders: 1,
      escalations: 0,
    });
    const [reminder] = eventsOf(run);
    expect(reminder).toMatchObject({
      kind: 'REMINDER',
      channel: 'EMAIL',
      stepKey: 'email',
      bucket: 'D31_60',
      attempt: 1,
      policyVersion: 1,
      policy: { id: t.policy.id, version: 1 },
      status: 'SENT',
      attempts: 1,
      recipient: t.owners[0],
      reminderKey: `${runId}/${apartment}/email/email`,
      overdue: { amountMinor: 30_000, currency: 'GBP' },
      apartment: { id: apartment },
    });
    expect(reminder.timeline.map((l: any) => l.status)).toEqual(['sent']);
    const mail = await eventually(async () => (mailTo(t.owners[0]!).length ? mailTo(t.owners[0]!) : null));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.parsed.subject).toBe(`Payment reminder: Harbour House, unit 1`);
    expect(mail[0]!.parsed.text).toContain('£300.00');

    // Another tick the same day: the same run, nothing sent again.
    await w.tick();
    expect(await tenantRows(platform, 'collections', t.id, `SELECT id FROM dunning_runs`)).toHaveLength(1);

    // A promise to pay pauses the apartment's dunning: a run by hand records nothing for it.
    const promise = ok(
      await t.as<any>(PROMISE, {
        input: {
          apartmentId: apartment,
          instalments: [{ dueOn: day(5), amount: gbp(30_000) }],
          idempotencyKey: key(),
        },
      }),
    ).makePromiseToPay.promise;
    const paused = ok(
      await t.as<any>(START, {
        input: { asOf: day(8), dryRun: false, idempotencyKey: key() },
      }),
    ).startDunningRun.run;
    expect(eventsOf(await settled(t.as, paused.id))).toEqual([]);

    // The payment keeps the promise and settles the debt: the next run has nothing to do.
    ok(
      await t.as(`mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { entry { id } } }`, {
        input: {
          apartmentId: apartment,
          amount: gbp(30_000),
          bookedOn: day(0),
          idempotencyKey: key(),
        },
      }),
    );
    await eventually(async () => (ok(await t.as<any>(PROMISE_OF, { id: promise.id })).promiseToPay.status === 'KEPT' ? true : null));
    const after = ok(
      await t.as<any>(START, {
        input: { asOf: day(9), dryRun: false, idempotencyKey: key() },
      }),
    ).startDunningRun.run;
    expect(eventsOf(await settled(t.as, after.id))).toEqual([]);
    expect(mailTo(t.owners[0]!)).toHaveLength(1);
    const audit = ok(
      await t.as<any>(`query($id: ID!) { collectionsAuditEvents(entityId: $id) { edges { node { action traceId } } } }`, { id: reminder.id }),
    ).collectionsAuditEvents.edges.map((e: any) => e.node);
    expect(audit.map((e: any) => e.action)).toEqual(['dunning-reminder.planned', 'dunning-reminder.sent']);
    expect(audit.every((e: any) => typeof e.traceId === 'string' && e.traceId.length === 32)).toBe(true);
  }, 90_000);

  it('escalates a broken promise at once: a reminder and a manager task', async () => {
    const t = await given(1);
    const apartment = t.apartments[0]!.id;
    const promise = ok(
      await t.as<any>(PROMISE, {
        input: {
          apartmentId: apartment,
          instalments: [{ dueOn: day(0), amount: gbp(30_000) }],
          idempotencyKey: key(),
        },
      }),
    ).makePromiseToPay.promise;
    await tenantRows(platform, 'collections', t.id, `UPDATE promises_to_pay SET instalments = jsonb_set(instalments, '{0,dueOn}', to_jsonb($2::text)) WHERE id = $1`, [
      promise.id,
      day(-1),
    ]);
    ok(await t.as(`mutation($input: EvaluatePromisesToPayInput!) { evaluatePromisesToPay(input: $input) { broken } }`, { input: { idempotencyKey: key() } }));
    expect(ok(await t.as<any>(PROMISE_OF, { id: promise.id })).promiseToPay.status).toBe('BROKEN');

    const runs = await eventually(async () => {
      const edges = ok(await t.as<any>(`{ dunningRuns(first: 5) { edges { node { id trigger } } } }`)).dunningRuns.edges;
      return edges.length ? edges : null;
    });
    expect(runs.map((e: any) => e.node.trigger)).toEqual(['PROMISE_BROKEN']);
    const run = await settled(t.as, runs[0].node.id);
    const events = eventsOf(run);
    expect(events.find((e: any) => e.kind === 'ESCALATION')).toMatchObject({
      escalation: 'MANAGER_TASK',
      status: 'ESCALATED',
      apartment: { id: apartment },
    });
    expect(events.find((e: any) => e.kind === 'REMINDER')).toMatchObject({
      channel: 'EMAIL',
      status: 'SENT',
      attempt: 1,
    });
    expect(await eventually(async () => (mailTo(t.owners[0]!).length ? mailTo(t.owners[0]!) : null))).toHaveLength(1);
  }, 60_000);
});

describe('dunning runs', () => {
  it('previews who would be contacted and why without sending; the preview counts for nothing', async () => {
    const t = await given(2);
    const dry = ok(
      await t.as<any>(START, {
        input: { dryRun: true, idempotencyKey: key() },
      }),
    ).startDunningRun.run;
    const run = await runOf(t.as, dry.id);
    expect(run).toMatchObject({
      dryRun: true,
      status: 'COMPLETED',
      reminders: 2,
    });
    expect(eventsOf(run).map((e: any) => [e.status, e.stepKey, e.bucket, e.policyVersion, e.attempt])).toEqual([
      ['PREVIEWED', 'email', 'D31_60', 1, 1],
      ['PREVIEWED', 'email', 'D31_60', 1, 1],
    ]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(t.owners.flatMap(mailTo)).toEqual([]);
    const real = ok(
      await t.as<any>(START, {
        input: { dryRun: false, idempotencyKey: key() },
      }),
    ).startDunningRun.run;
    expect(eventsOf(await settled(t.as, real.id)).map((e: any) => [e.status, e.attempt])).toEqual([
      ['SENT', 1],
      ['SENT', 1],
    ]);
  }, 60_000);

  it('sends one reminder per apartment and step however runs race, repeat or resume after a crash', async () => {
    const t = await given(3);
    const input = { dryRun: false, asOf: day(0) };
    // Same key: the same run. Different keys at once: one records the reminders, the other nothing.
    const same = await Promise.all([1, 2].map(() => t.as<any>(START, { input: { ...input, idempotencyKey: 'same-key' } })));
    expect(new Set(same.map((r) => ok(r).startDunningRun.run.id)).size).toBe(1);
    const raced = await Promise.all([1, 2, 3].map(() => t.as<any>(START, { input: { ...input, idempotencyKey: key() } })));
    const ids = [same[0]!, ...raced].map((r) => ok(r).startDunningRun.run.id as string);
    const all = await Promise.all([...new Set(ids)].map((id) => settled(t.as, id)));
    expect(all.flatMap(eventsOf).filter((e: any) => e.kind === 'REMINDER')).toHaveLength(3);
    await eventually(async () => (t.owners.every((o) => mailTo(o).length === 1) ? true : null));

    // A crash after the messages left but before their outcome was recorded: the run resumes.
    const owner = all.find((r) => eventsOf(r).length)!;
    await tenantRows(platform, 'collections', t.id, `UPDATE dunning_events SET status = 'pending' WHERE run_id = $1`, [owner.id]);
    await tenantRows(platform, 'collections', t.id, `UPDATE dunning_runs SET status = 'running', completed_at = NULL WHERE id = $1`, [owner.id]);
    await (await worker()).executeRun(t.id, owner.id);
    const resumed = await settled(t.as, owner.id);
    expect(eventsOf(resumed).map((e: any) => e.status)).toEqual(['SENT', 'SENT', 'SENT']);
    // The delivery records said "sent": nothing went out twice.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(t.owners.map((o) => mailTo(o).length)).toEqual([1, 1, 1]);
    // The database refuses a second reminder with the same key outright.
    const [e] = eventsOf(resumed);
    await expect(
      tenantRows(
        platform,
        'collections',
        t.id,
        `INSERT INTO dunning_events SELECT gen_random_uuid(), tenant_id, run_id, building_id, apartment_id, dry_run, kind, channel, step_key, bucket, policy_id, policy_version, attempt + 100, escalation, template, overdue_minor, currency, days_past_due, reminder_key, 'pending' FROM dunning_events WHERE id = $1`,
        [e.id],
      ),
    ).rejects.toThrow(/dunning_events_reminder_key/);
  }, 90_000);

  it('retries a deferred delivery with backoff, dead-letters it after the last attempt, and re-drives it', async () => {
    greylisting = true;
    const t = await given(1, 'greylist.test');
    const started = ok(
      await t.as<any>(START, {
        input: { dryRun: false, idempotencyKey: key() },
      }),
    ).startDunningRun.run;
    const run = await settled(t.as, started.id);
    const [dead] = eventsOf(run);
    expect(dead).toMatchObject({ status: 'DEAD_LETTERED', attempts: 2 });
    expect(dead.lastError).toMatch(/gave up after 2 attempts/);
    expect(dead.timeline.map((l: any) => [l.status, l.attempt])).toEqual([
      ['deferred', 1],
      ['deferred', 2],
      ['dead_lettered', 2],
    ]);
    expect(mailTo(t.owners[0]!)).toEqual([]);

    // Only a dead-lettered or failed reminder is re-driven; this one goes out once the relay accepts.
    greylisting = false;
    const REDRIVE = `mutation($input: RedriveDunningReminderInput!) { redriveDunningReminder(input: $input) { event { id status } } }`;
    expect(
      ok(
        await t.as<any>(REDRIVE, {
          input: { reminderId: dead.id, idempotencyKey: key() },
        }),
      ).redriveDunningReminder.event.status,
    ).toBe('PENDING');
    const again = await settled(t.as, started.id);
    expect(eventsOf(again)[0]).toMatchObject({ status: 'SENT', attempts: 3 });
    expect(mailTo(t.owners[0]!)).toHaveLength(1);
    expect(
      errorOf(
        await t.as(REDRIVE, {
          input: { reminderId: dead.id, idempotencyKey: key() },
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', field: 'input.reminderId' });
    expect(
      errorOf(
        await t.as(REDRIVE, {
          input: { reminderId: randomUUID(), idempotencyKey: key() },
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'input.reminderId' });
  }, 90_000);

  it('fences the timeline by scope and tenant; refuses bad input and narrow scope for runs', async () => {
    const t = await given(1);
    const other = await givenBuilding(t.as, 1, { name: 'Other House' });
    ok(
      await t.as(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
        input: {
          apartmentId: other.apartments[0]!.id,
          type: 'COMMON_EXPENSE',
          amount: gbp(10_000),
          bookedOn: day(-45),
          dueOn: day(-45),
          idempotencyKey: key(),
        },
      }),
    );
    const dry = ok(
      await t.as<any>(START, {
        input: { dryRun: true, idempotencyKey: key() },
      }),
    ).startDunningRun.run;
    expect(eventsOf(await runOf(t.as, dry.id))).toHaveLength(2);

    const manager = platform.as(t.id, {
      roles: ['building_manager'],
      scope: [`building:${t.building.id}`],
    });
    const seen = eventsOf(await runOf(manager, dry.id));
    expect(seen.map((e: any) => e.apartment.id)).toEqual([t.apartments[0]!.id]);
    expect(
      errorOf(
        await manager(START, {
          input: { dryRun: true, idempotencyKey: key() },
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });

    expect(ok(await platform.as(tenant())<any>(RUN, { id: dry.id })).dunningRun).toBeNull();
    expect(
      errorOf(
        await t.as(START, {
          input: { asOf: '2026-02-30', dryRun: true, idempotencyKey: key() },
        }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.asOf' });
    expect(
      errorOf(
        await t.as(SCHEDULE, {
          input: {
            timeZone: 'Mars/Olympus',
            localHour: 6,
            enabled: true,
            idempotencyKey: key(),
          },
        }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timeZone' });
    expect(
      errorOf(
        await t.as(SCHEDULE, {
          input: {
            timeZone: 'Europe/London',
            localHour: 24,
            enabled: true,
            idempotencyKey: key(),
          },
        }),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.localHour' });
  }, 60_000);
});

describe('channels', () => {
  it('sends SMS through the provider and letters as PDF, each linked to its reminder', async () => {
    const t = await given(2);
    const [sms, letter] = t.apartments.map((a) => a.id);
    const phone = '+447700900123';
    ok(
      await t.as(`mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`, {
        input: { apartmentId: sms, role: 'OWNER', name: 'Sam Texter', phone, preferredChannel: 'SMS', consent: { sms: true }, idempotencyKey: key() },
      }),
    );
    for (const [apartmentId, channel] of [
      [sms!, 'SMS'] as const,
      [letter!, 'LETTER'] as const,
    ]) {
      ok(
        await t.as(SET_POLICY, {
          input: {
            scope: 'APARTMENT',
            apartmentId,
            steps: [{ key: `by-${channel.toLowerCase()}`, bucket: 'D31_60', channel, template: 'dunning.reminder' }],
            idempotencyKey: key(),
          },
        }),
      );
    }
    const started = ok(await t.as<any>(START, { input: { dryRun: false, idempotencyKey: key() } })).startDunningRun.run;
    const events = eventsOf(await settled(t.as, started.id));
    const bySms = events.find((e: any) => e.apartment.id === sms);
    const byLetter = events.find((e: any) => e.apartment.id === letter);
    expect(bySms).toMatchObject({ channel: 'SMS', status: 'SENT', recipient: phone, lastError: null });
    expect(byLetter).toMatchObject({ channel: 'LETTER', status: 'SENT' });

    const texts = twilio.messages.filter((m) => m.to === phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.body).toContain('£300.00');
    const file = join(letters, t.id, `${createHash('sha256').update(byLetter.reminderKey).digest('hex').slice(0, 40)}.pdf`);
    const pdf = await pdfText(readFileSync(file));
    expect(pdf.text).toContain('Payment reminder: Harbour House, unit 2');
    expect(pdf.text).toContain('Ada Owner');
    expect(t.owners.flatMap(mailTo)).toEqual([]);
  }, 60_000);
});

describe('kill switch', () => {
  it('ENABLE_COLLECTIONS_OS off for a tenant: no scheduled run, and the API answers FEATURE_DISABLED', async () => {
    const t = await given(1);
    ok(await t.as(SCHEDULE, { input: { timeZone: 'UTC', localHour: 0, enabled: true, idempotencyKey: key() } }));
    const rt = platform.services.collections!.runtime;
    await setTenantFeatureFlag(rt.ds, { tenantId: t.id, flag: 'ENABLE_COLLECTIONS_OS', enabled: false, actor: 'nc-207 test' });
    rt.flags.forget(t.id);
    await (await worker()).tick();
    expect(await tenantRows(platform, 'collections', t.id, `SELECT id FROM dunning_runs`)).toEqual([]);
    expect(errorOf(await t.as(START, { input: { dryRun: true, idempotencyKey: key() } }))).toMatchObject({ code: 'FEATURE_DISABLED' });

    await setTenantFeatureFlag(rt.ds, { tenantId: t.id, flag: 'ENABLE_COLLECTIONS_OS', enabled: true, actor: 'nc-207 test' });
    rt.flags.forget(t.id);
    await (await worker()).tick();
    expect(await tenantRows(platform, 'collections', t.id, `SELECT id FROM dunning_runs`)).toHaveLength(1);
  }, 60_000);
});
