// Overdue episodes and reminder retries through the gateway on real PostgreSQL with a real SMTP
// server: a paid-off debt ends the episode, and the next overdue debt starts the policy again from
// its first step (the once-per-episode unique rules let attempt 1 be made again); the collections
// queue shows each apartment's reminders of the current episode and their delivery retries, and
// the run's timeline shows each retry.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { startSmtpSink, type SmtpSink } from '@commonhold/notifications/testing';
import { givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;
let smtp: SmtpSink;
/** Addresses refused once with 451 (greylisting), then accepted. */
const greylisted = new Set<string>();

beforeAll(async () => {
  smtp = await startSmtpSink({
    rejectRecipient: (a) => (greylisted.delete(a) ? { code: 451, message: '4.7.1 greylisted, try later' } : undefined),
  });
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['collections'],
    serviceEnv: { collections: { SMTP_URL: smtp.url, DUNNING_POLL_SECONDS: '0.5', DUNNING_RETRY_DELAY_SECONDS: '1', DUNNING_DELIVERY_ATTEMPTS: '3', DUNNING_SCHEDULE_CRON: '' } },
  });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await smtp?.close();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const EVENT = `id status attempt attempts retries stepKey timeline { status attempt }`;
const RUN = `query($id: ID!) { dunningRun(id: $id) { status events { edges { node { ${EVENT} } } } } }`;
const QUEUE = `query($asOf: Date) { collectionsQueue(asOf: $asOf) { edges { node { apartment { id } oldestDaysPastDue reminders reminderRetries lastReminder { ${EVENT} } } } } }`;

/** A tenant whose apartment owes `amount` due `dueIn` days from today; one email step in 0–30, one attempt, nothing after it. */
async function given() {
  const as = platform.as(`episodes-${randomUUID()}`);
  const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
  ok(
    await as(`mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id } } }`, {
      input: { scope: 'TENANT', steps: [{ key: 'email-once', bucket: 'D0_30', channel: 'EMAIL', template: 'dunning.reminder', attempts: 1 }], idempotencyKey: key() },
    }),
  );
  const { apartments } = await givenBuilding(as, 1);
  const apartmentId = apartments[0]!.id;
  ok(
    await as(`mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`, {
      input: { apartmentId, role: 'OWNER', name: 'Ada Owner', email, preferredChannel: 'EMAIL', consent: { email: true }, idempotencyKey: key() },
    }),
  );
  return { as, apartmentId, email };
}
const charge = async (as: Caller, apartmentId: string, amountMinor: number, dueIn: number) =>
  ok(
    await as(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
      input: { apartmentId, type: 'COMMON_EXPENSE', amount: gbp(amountMinor), bookedOn: day(Math.min(0, dueIn)), dueOn: day(dueIn), idempotencyKey: key() },
    }),
  );
/** A real run on `asOf`, waited for until none of its reminders is pending; its events. */
async function run(as: Caller, asOf: string): Promise<any[]> {
  const id = ok(await as<any>(`mutation($input: StartDunningRunInput!) { startDunningRun(input: $input) { run { id } } }`, { input: { asOf, dryRun: false, idempotencyKey: key() } })).startDunningRun.run.id;
  return eventually(
    async () => {
      const r = ok(await as<any>(RUN, { id })).dunningRun;
      const events = r.events.edges.map((e: any) => e.node);
      return r.status === 'COMPLETED' && events.every((e: any) => e.status !== 'PENDING') ? events : null;
    },
    { timeoutMs: 30_000 },
  );
}
const queueItem = async (as: Caller, apartmentId: string, asOf: string) =>
  ok(await as<any>(QUEUE, { asOf })).collectionsQueue.edges.map((e: any) => e.node).find((n: any) => n.apartment.id === apartmentId);

describe('overdue episodes', () => {
  it('starts the policy again from its first step once the overdue debt is paid off and a later one falls overdue', async () => {
    const t = await given();
    await charge(t.as, t.apartmentId, 10_000, -10);
    const [first] = await run(t.as, day(0));
    expect(first).toMatchObject({ stepKey: 'email-once', attempt: 1, status: 'SENT' });

    // Still the same debt ten days on: the only step is used up, nothing more.
    expect(await run(t.as, day(10))).toEqual([]);
    expect(await queueItem(t.as, t.apartmentId, day(10))).toMatchObject({ oldestDaysPastDue: 20, reminders: 1, lastReminder: { id: first.id } });

    // Paid off today; a new charge falls due in three days: a new episode on day 11.
    ok(await t.as(`mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { entry { id } } }`, { input: { apartmentId: t.apartmentId, amount: gbp(10_000), idempotencyKey: key() } }));
    await charge(t.as, t.apartmentId, 12_000, 3);
    const [again] = await run(t.as, day(11));
    expect(again).toMatchObject({ stepKey: 'email-once', attempt: 1, status: 'SENT' });
    expect(again.id).not.toBe(first.id);
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes(t.email))).toHaveLength(2);
    // The queue counts the current episode only.
    expect(await queueItem(t.as, t.apartmentId, day(11))).toMatchObject({ oldestDaysPastDue: 8, reminders: 1, lastReminder: { id: again.id } });
    // And the new episode's step is used up in its turn.
    expect(await run(t.as, day(20))).toEqual([]);
  }, 90_000);
});

describe('reminder retries', () => {
  it('counts delivery retries per queue row and shows each retry on the run timeline', async () => {
    const t = await given();
    await charge(t.as, t.apartmentId, 10_000, -10);
    greylisted.add(t.email);
    const [reminder] = await run(t.as, day(0));
    expect(reminder).toMatchObject({ status: 'SENT', attempts: 2, retries: 1 });
    expect(reminder.timeline).toEqual([
      { status: 'deferred', attempt: 1 },
      { status: 'sent', attempt: 2 },
    ]);
    expect(await queueItem(t.as, t.apartmentId, day(0))).toMatchObject({
      reminders: 1,
      reminderRetries: 1,
      lastReminder: { id: reminder.id, status: 'SENT', attempts: 2, retries: 1 },
    });
  }, 90_000);
});
