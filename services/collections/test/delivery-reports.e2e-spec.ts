// Delivery outcomes after the send, through the gateway's `/notifications` passthrough on real
// PostgreSQL: Twilio's signed SMS status callbacks (from the fake, speaking Twilio's wire format
// and signature) and signed bounce reports (DSNs) of emails received by a real SMTP server reach
// the reminder (`DunningEvent`): DELIVERED, BOUNCED, FAILED, each once on its timeline; forged or
// unsigned reports are refused and change nothing.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { signDsnWebhook } from '@commonhold/notifications';
import { dsnMessage, startFakeTwilio, startSmtpSink, type FakeTwilio, type SmtpSink } from '@commonhold/notifications/testing';
import { givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;
let smtp: SmtpSink;
let twilio: FakeTwilio;
const SID = `AC${'0'.repeat(31)}2`;
const AUTH = 'test-auth-token-reports-0123';
const DSN_SECRET = 'dsn-secret-0123456789abcdef';
const BOUNCING = '+447700900666';
let gateway: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  smtp = await startSmtpSink();
  twilio = await startFakeTwilio({ accounts: { [SID]: AUTH }, fate: (to) => (to === BOUNCING ? { final: 'undelivered', errorCode: 30003 } : { final: 'delivered' }) });
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['collections'],
    gatewayPort: port,
    serviceEnv: {
      collections: {
        SMTP_URL: smtp.url,
        DUNNING_POLL_SECONDS: '0.5',
        DUNNING_SCHEDULE_CRON: '',
        SMS_PROVIDER: 'twilio',
        TWILIO_BASE_URL: twilio.url,
        TWILIO_ACCOUNT_SID: SID,
        TWILIO_AUTH_TOKEN: AUTH,
        SMS_FROM: '+447700900000',
        // The public URL Twilio calls: the gateway, which passes /notifications through to collections.
        SMS_STATUS_CALLBACK_URL: `${gateway}/notifications/sms/twilio`,
        EMAIL_DSN_WEBHOOK_SECRET: DSN_SECRET,
      },
    },
  });
  expect(platform.gateway.url).toBe(`${gateway}/graphql`);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await smtp?.close();
  await twilio?.close();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const RUN = `query($id: ID!) { dunningRun(id: $id) { status events { edges { node { id channel status attempts retries recipient lastError apartment { id } timeline { status attempt } } } } } }`;

/** One apartment per owner, 40 days overdue, each reminded on the owner's channel by the tenant's run. */
async function remind(owners: { channel: 'SMS' | 'EMAIL'; phone?: string; email?: string }[]) {
  const tenant = `reports-${randomUUID()}`;
  const as = platform.as(tenant);
  const { apartments } = await givenBuilding(as, owners.length);
  for (const [i, o] of owners.entries()) {
    const apartmentId = apartments[i]!.id;
    ok(
      await as(`mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`, {
        input: { apartmentId, role: 'OWNER', name: 'Ada Owner', ...(o.phone ? { phone: o.phone } : { email: o.email }), preferredChannel: o.channel, consent: o.phone ? { sms: true } : { email: true }, idempotencyKey: key() },
      }),
    );
    ok(
      await as(`mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id } } }`, {
        input: { scope: 'APARTMENT', apartmentId, steps: [{ key: 'remind', bucket: 'D31_60', channel: o.channel, template: 'dunning.reminder' }], idempotencyKey: key() },
      }),
    );
    ok(
      await as(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
        input: { apartmentId, type: 'COMMON_EXPENSE', amount: { amountMinor: 30_000, currency: 'GBP' }, bookedOn: day(-40), dueOn: day(-40), idempotencyKey: key() },
      }),
    );
  }
  const run = ok(await as<any>(`mutation($input: StartDunningRunInput!) { startDunningRun(input: $input) { run { id } } }`, { input: { dryRun: false, idempotencyKey: key() } }))
    .startDunningRun.run;
  const events = await eventsWhen(as, run.id, (es) => es.length === owners.length && es.every((e) => e.status !== 'PENDING'));
  return { as, runId: run.id as string, apartments: apartments.map((a) => a.id), events };
}

async function eventsWhen(as: Caller, runId: string, done: (events: any[]) => boolean): Promise<any[]> {
  return eventually(
    async () => {
      const events = ok(await as<any>(RUN, { id: runId })).dunningRun.events.edges.map((e: any) => e.node);
      return done(events) ? events : null;
    },
    { timeoutMs: 30_000 },
  );
}

const dsn = dsnMessage;
const postDsn = (body: string, signature?: string) =>
  fetch(`${gateway}/notifications/email/dsn`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...(signature ? { 'x-commonhold-signature': signature } : {}) }, body });

describe('SMS status callbacks through the gateway', () => {
  it('moves the reminder to DELIVERED or BOUNCED from Twilio’s signed callbacks, and refuses forged ones', async () => {
    const ok1 = '+447700900555';
    const t = await remind([{ channel: 'SMS', phone: ok1 }, { channel: 'SMS', phone: BOUNCING }]);
    const [delivered, bounced] = t.apartments;
    expect(t.events.map((e) => e.status)).toEqual(['SENT', 'SENT']);
    const sidOf = (phone: string) => twilio.messages.find((m) => m.to === phone)!.sid;
    expect(twilio.messages.find((m) => m.to === ok1)!.statusCallback).toMatch(new RegExp(`^${gateway}/notifications/sms/twilio\\?d=`));

    // A callback signed with another account's token: refused at the route, nothing changes.
    const forged = await twilio.postStatus(sidOf(ok1), 'delivered', { signWith: 'another-auth-token-0123456789' });
    expect(forged.responseStatus).toBe(403);

    // The carrier's word: sent then delivered for one, undelivered (a bounce) for the other.
    for (const phone of [ok1, BOUNCING]) for (const c of await twilio.progress(sidOf(phone))) expect(c.responseStatus).toBe(204);
    const events = await eventsWhen(t.as, t.runId, (es) => es.every((e) => e.status === 'DELIVERED' || e.status === 'BOUNCED'));
    const byApartment = (id: string) => events.find((e) => e.apartment.id === id);
    expect(byApartment(delivered!)).toMatchObject({ status: 'DELIVERED', retries: 0 });
    expect(byApartment(delivered!).timeline.map((l: any) => l.status)).toEqual(['sent', 'delivered']);
    expect(byApartment(bounced!)).toMatchObject({ status: 'BOUNCED', lastError: expect.stringContaining('undelivered') });
    expect(byApartment(bounced!).timeline.map((l: any) => l.status)).toEqual(['sent', 'bounced']);

    // A late, repeated callback changes nothing (the outcome is final, once on the timeline).
    expect((await twilio.postStatus(sidOf(ok1), 'delivered')).responseStatus).toBe(204);
    const again = await eventsWhen(t.as, t.runId, () => true);
    expect(again.find((e) => e.apartment.id === delivered).timeline.map((l: any) => l.status)).toEqual(['sent', 'delivered']);
  }, 90_000);
});

describe('email bounces through the gateway', () => {
  it('a signed DSN for a reminder email moves it to BOUNCED; unsigned, forged or stale reports are refused', async () => {
    const email = `owner-${randomUUID().slice(0, 8)}@example.org`;
    const t = await remind([{ channel: 'EMAIL', email }]);
    expect(t.events[0]).toMatchObject({ status: 'SENT', recipient: email });
    const mail = await eventually(async () => smtp.messages.find((m) => m.envelope.rcptTo.includes(email)) ?? null);
    const messageId = mail.parsed.messageId!;
    const body = dsn(messageId, email, 'failed', '5.1.1');

    expect((await postDsn(body)).status).toBe(403);
    expect((await postDsn(body, signDsnWebhook('not-the-secret-0123456789', body))).status).toBe(403);
    expect((await postDsn(body, signDsnWebhook(DSN_SECRET, body, new Date(Date.now() - 3_600_000)))).status).toBe(403);
    expect((await postDsn('hello', signDsnWebhook(DSN_SECRET, 'hello'))).status).toBe(400);
    expect((await eventsWhen(t.as, t.runId, () => true))[0].status).toBe('SENT');

    const res = await postDsn(body, signDsnWebhook(DSN_SECRET, body));
    expect(res.status).toBe(204);
    const [event] = await eventsWhen(t.as, t.runId, (es) => es[0].status !== 'SENT');
    expect(event).toMatchObject({ status: 'BOUNCED', lastError: expect.stringContaining('5.1.1') });
    expect(event.timeline.map((l: any) => l.status)).toEqual(['sent', 'bounced']);
  }, 90_000);
});
