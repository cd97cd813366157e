// The delivery model end to end inside the package: real SMTP server, fake Twilio over HTTP with
// signed callbacks into our handler, letters on disk; idempotency keys, outcomes reported to the
// caller, retry classification and the metric.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import {
  createDeliveryMetrics,
  createNotifierFromConfig,
  DirectoryLetterSink,
  IdempotencyKeyReusedError,
  InMemoryDeliveryStore,
  InMemoryTemplateSource,
  loadNotificationsConfig,
  NotificationInputError,
  Notifier,
  SmtpEmailSender,
  TwilioSmsProvider,
  twilioStatusCallbackHandler,
  type DeliveryOutcomeEvent,
  type DeliveryRecord,
  type NotificationMessage,
  type NotifierOptions,
} from '../src';
import { pdfText, startFakeTwilio, startSmtpSink, type FakeTwilio, type SmtpSink } from '../src/testing';

const TENANT = '7d3c1a2e-0000-4000-8000-000000000001';
const OTHER_TENANT = '7d3c1a2e-0000-4000-8000-000000000002';
const SID = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'twilio-test-token-0123456789';

const templates = () =>
  new InMemoryTemplateSource([
    { tenantId: null, name: 'dunning.reminder', locale: 'en', subject: 'Payment reminder: {{apartment}}', text: 'Dear {{ownerName}}, please pay {{money amountMinor currency}} for {{apartment}}.', html: '<p>Dear {{ownerName}}, please pay <b>{{money amountMinor currency}}</b> for {{apartment}}.</p>' },
    { tenantId: TENANT, name: 'dunning.reminder', locale: 'el', subject: 'Υπενθύμιση πληρωμής: {{apartment}}', text: 'Αγαπητέ/ή {{ownerName}}, παρακαλούμε πληρώστε {{money amountMinor currency}} για το {{apartment}}.' },
    { tenantId: null, name: 'dunning.sms', locale: 'en', text: '{{apartment}}: {{money amountMinor currency}} overdue. Reply STOP to opt out.' },
    { tenantId: null, name: 'dunning.letter', locale: 'de', subject: 'Mahnung {{apartment}}', text: 'Sehr geehrte/r {{ownerName}},\n\nbitte überweisen Sie {{money amountMinor currency}}.\n\nMit freundlichen Grüßen' },
  ]);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const data = { ownerName: 'Zoë Παπαδοπούλου', apartment: 'A-3', amountMinor: 123456, currency: 'EUR' };

const emailMessage = (overrides: Partial<NotificationMessage> = {}): NotificationMessage =>
  ({
    tenantId: TENANT,
    idempotencyKey: 'run-1/apt-3/email/1',
    channel: 'email',
    to: { address: 'zoe@example.org', name: 'Zoë Παπαδοπούλου' },
    template: { name: 'dunning.reminder', locale: 'el' },
    data,
    correlation: { dunningEventId: 'ev-1' },
    ...overrides,
  }) as NotificationMessage;

function metricValues(registry: Registry, name: string) {
  return registry.getSingleMetric(name)!.get() as Promise<{ values: Array<{ labels: Record<string, string>; value: number }> }>;
}
async function metric(registry: Registry, channel: string, outcome: string, name = 'notification_deliveries_total') {
  return (await metricValues(registry, name)).values.find((v) => v.labels.channel === channel && v.labels.outcome === outcome)?.value;
}

describe('Notifier over email (real SMTP server)', () => {
  let sink: SmtpSink;
  let email: SmtpEmailSender;
  let registry: Registry;
  let store: InMemoryDeliveryStore;
  let outcomes: DeliveryOutcomeEvent[];
  let greylistOnce: Set<string>;
  const build = (overrides: Partial<NotifierOptions> = {}) =>
    new Notifier({ templates: templates(), platformDefaultLocale: 'en', email, store, metrics: createDeliveryMetrics(registry), onOutcome: (e) => void outcomes.push(e), ...overrides });

  beforeEach(async () => {
    greylistOnce = new Set(['grey@example.org']);
    sink = await startSmtpSink({
      rejectRecipient: (a) => {
        if (a === 'gone@example.org') return { code: 550, message: '5.1.1 user unknown' };
        if (greylistOnce.delete(a)) return { code: 451, message: '4.7.1 greylisted' };
        return undefined;
      },
    });
    email = new SmtpEmailSender({ url: sink.url, from: 'Office <office@building.example>' });
    registry = new Registry();
    store = new InMemoryDeliveryStore();
    outcomes = [];
  });
  afterEach(async () => {
    email.close();
    await sink.close();
  });

  it('sends the tenant template in the recipient locale and reports "sent" with the caller’s correlation', async () => {
    const sut = build();
    const record = await sut.send(emailMessage());
    expect(record).toMatchObject({
      tenantId: TENANT,
      idempotencyKey: 'run-1/apt-3/email/1',
      channel: 'email',
      status: 'sent',
      recipient: 'zoe@example.org',
      provider: 'smtp',
      attempts: 1,
      template: { tenantId: TENANT, name: 'dunning.reminder', locale: 'el' },
      correlation: { dunningEventId: 'ev-1' },
      reportedStatus: 'sent',
    });
    const [mail] = await sink.waitForMessages(1);
    expect(mail!.parsed.subject).toBe('Υπενθύμιση πληρωμής: A-3');
    expect(mail!.parsed.text).toBe('Αγαπητέ/ή Zoë Παπαδοπούλου, παρακαλούμε πληρώστε 1.234,56\u00a0€ για το A-3.');
    expect(mail!.parsed.messageId).toBe(record.providerMessageId);
    expect(outcomes.map((o) => [o.outcome, o.record.idempotencyKey, o.record.correlation])).toEqual([['sent', 'run-1/apt-3/email/1', { dunningEventId: 'ev-1' }]]);
    expect(await metric(registry, 'email', 'sent')).toBe(1);
  });

  it('sends a key once: a repeat returns the record, sends nothing and reports nothing new', async () => {
    const sut = build();
    const first = await sut.send(emailMessage());
    const again = await sut.send(emailMessage());
    expect(again).toEqual(first);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.messages).toHaveLength(1);
    expect(outcomes).toHaveLength(1);
    expect(await metric(registry, 'email', 'sent')).toBe(1);
  });

  it('sends one message when the same key is sent concurrently', async () => {
    const sut = build();
    const records = await Promise.all(Array.from({ length: 5 }, () => sut.send(emailMessage())));
    expect(new Set(records.map((r) => r.idempotencyKey)).size).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(sink.messages).toHaveLength(1);
    expect((await store.get(TENANT, 'run-1/apt-3/email/1'))?.status).toBe('sent');
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent']);
  });

  it('keeps the same key apart per tenant', async () => {
    const sut = build();
    await sut.send(emailMessage());
    const other = await sut.send(emailMessage({ tenantId: OTHER_TENANT }));
    expect(other.template).toEqual({ tenantId: null, name: 'dunning.reminder', locale: 'en' }); // not the first tenant's Greek template
    expect((await sink.waitForMessages(2)).map((m) => m.parsed.subject)).toEqual(['Υπενθύμιση πληρωμής: A-3', 'Payment reminder: A-3']);
  });

  it('refuses a key reused for another recipient', async () => {
    const sut = build();
    await sut.send(emailMessage());
    await expect(sut.send(emailMessage({ to: { address: 'someone-else@example.org' } } as Partial<NotificationMessage>))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('records a 550 as bounced, tells the caller, and never retries it', async () => {
    const sut = build();
    const record = await sut.send(emailMessage({ idempotencyKey: 'k-bounce', to: { address: 'gone@example.org' } } as Partial<NotificationMessage>));
    expect(record).toMatchObject({ status: 'bounced', lastError: { kind: 'permanent', code: 'smtp_550', bounce: true } });
    const again = await sut.send(emailMessage({ idempotencyKey: 'k-bounce', to: { address: 'gone@example.org' } } as Partial<NotificationMessage>));
    expect(again.attempts).toBe(1);
    expect(outcomes.map((o) => o.outcome)).toEqual(['bounced']);
    expect(await metric(registry, 'email', 'bounced')).toBe(1);
  });

  it('defers a transient failure (greylisting) and sends on the caller’s retry with the same key', async () => {
    const sut = build();
    const msg = emailMessage({ idempotencyKey: 'k-grey', to: { address: 'grey@example.org' } } as Partial<NotificationMessage>);
    const first = await sut.send(msg);
    expect(first).toMatchObject({ status: 'deferred', attempts: 1, lastError: { kind: 'transient', code: 'smtp_451' } });
    expect(outcomes).toEqual([]); // not an outcome yet
    const second = await sut.send(msg);
    expect(second).toMatchObject({ status: 'sent', attempts: 2 });
    expect(second.lastError).toBeUndefined();
    expect(sink.messages).toHaveLength(1);
    expect(outcomes.map((o) => [o.outcome, o.record.attempts])).toEqual([['sent', 2]]);
    expect([await metric(registry, 'email', 'deferred'), await metric(registry, 'email', 'sent')]).toEqual([1, 1]);
  });

  it('fails permanently, sending nothing, when the data lacks a template variable', async () => {
    const sut = build();
    const record = await sut.send(emailMessage({ data: { ...data, apartment: undefined } }));
    expect(record).toMatchObject({ status: 'failed', lastError: { kind: 'permanent', code: 'template_missing_variable', message: expect.stringContaining('"apartment"') } });
    expect(sink.messages).toHaveLength(0);
    expect(outcomes.map((o) => o.outcome)).toEqual(['failed']);
  });

  it('takes over a delivery left pending by a sender that crashed, once it is stale', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const sut = build({ clock: () => now, staleAfterMs: 60_000 });
    // A crashed sender claimed the key and never finished: its record, as its send() wrote it.
    await store.claim(
      { tenantId: TENANT, idempotencyKey: 'k-crash', channel: 'email', status: 'pending', recipient: 'zoe@example.org', fingerprint: sha256('email\u0000zoe@example.org\u0000dunning.reminder'), provider: 'smtp', attempts: 1, createdAt: now, updatedAt: now, version: 1 },
      now,
    );
    const fresh = await sut.send(emailMessage({ idempotencyKey: 'k-crash' }));
    expect(fresh.status).toBe('pending'); // still within its sender's time: not taken over
    now = new Date(now.getTime() + 61_000);
    const taken = await sut.send(emailMessage({ idempotencyKey: 'k-crash' }));
    expect(taken).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.messages).toHaveLength(1);
  });

  it('reports again after the caller’s callback failed, without sending again', async () => {
    let failOnce = true;
    const sut = build({
      onOutcome: (e) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('database down');
        }
        outcomes.push(e);
      },
    });
    await expect(sut.send(emailMessage())).rejects.toThrow('database down');
    expect((await store.get(TENANT, 'run-1/apt-3/email/1'))).toMatchObject({ status: 'sent' });
    const again = await sut.send(emailMessage());
    expect(again.reportedStatus).toBe('sent');
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent']);
    expect(sink.messages).toHaveLength(1);
  });

  it('fails permanently on a channel that is not configured', async () => {
    const sut = build();
    const record = await sut.send({ tenantId: TENANT, idempotencyKey: 'k-sms', channel: 'sms', to: { phone: '+306900000001' }, template: { name: 'dunning.sms' }, data });
    expect(record).toMatchObject({ status: 'failed', lastError: { code: 'channel_not_configured' } });
  });

  it.each([
    ['idempotencyKey', { idempotencyKey: '' }],
    ['tenantId', { tenantId: ' ' }],
    ['to.address', { to: { address: 'not-an-address' } }],
  ])('refuses a message without a valid %s as bad input', async (field, overrides) => {
    await expect(build().send(emailMessage(overrides as Partial<NotificationMessage>))).rejects.toMatchObject({ constructor: NotificationInputError, field, code: 'BAD_USER_INPUT' });
  });

  it('keeps the metric to 3 channels × 5 outcomes', async () => {
    build();
    const values = (await metricValues(registry, 'notification_deliveries_total')).values;
    expect(values).toHaveLength(15);
    expect(new Set(values.map((v) => v.labels.outcome))).toEqual(new Set(['sent', 'delivered', 'bounced', 'failed', 'deferred']));
  });
});

describe('Notifier over SMS (fake Twilio, signed callbacks) wired from configuration', () => {
  let fake: FakeTwilio;
  let callbackServer: Server;
  let route: RequestListener | undefined;
  let registry: Registry;
  let outcomes: DeliveryOutcomeEvent[];
  let wired: ReturnType<typeof createNotifierFromConfig>;
  let store: InMemoryDeliveryStore;

  beforeAll(async () => {
    fake = await startFakeTwilio({ accounts: { [SID]: TOKEN }, fate: (to) => (to === '+306900000009' ? { final: 'undelivered', errorCode: 30003 } : { final: 'delivered' }) });
    callbackServer = createServer((req, res) => (route ? route(req, res) : res.writeHead(503).end()));
    await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await fake.close();
    callbackServer.closeAllConnections();
    await new Promise<void>((r) => callbackServer.close(() => r()));
  });
  beforeEach(() => {
    registry = new Registry();
    outcomes = [];
    store = new InMemoryDeliveryStore();
    const cfg = loadNotificationsConfig({
      SMS_PROVIDER: 'twilio',
      TWILIO_BASE_URL: fake.url,
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      SMS_FROM: '+15005550006',
      SMS_STATUS_CALLBACK_URL: `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/webhooks/sms/twilio`,
    });
    wired = createNotifierFromConfig(cfg, { templates: templates(), store, metrics: createDeliveryMetrics(registry, 'reminder_deliveries_total'), onOutcome: (e) => void outcomes.push(e) });
    route = wired.smsStatusCallback;
  });
  afterEach(() => wired.close());

  const smsMessage = (overrides: Record<string, unknown> = {}): NotificationMessage =>
    ({ tenantId: TENANT, idempotencyKey: 'run-1/apt-3/sms/2', channel: 'sms', to: { phone: '+306900000001' }, template: { name: 'dunning.sms' }, data, correlation: { dunningEventId: 'ev-2' }, ...overrides }) as NotificationMessage;

  it('sends through Twilio’s API, then moves to delivered on the signed callbacks and tells the caller each outcome', async () => {
    const sent = await wired.notifier.send(smsMessage());
    expect(sent).toMatchObject({ status: 'sent', provider: 'twilio', providerMessageId: expect.stringMatching(/^SM/) });
    const m = fake.messages.find((x) => x.sid === sent.providerMessageId)!;
    expect(m.body).toBe('A-3: €1,234.56 overdue. Reply STOP to opt out.');
    expect(new URL(m.statusCallback!).searchParams.get('d')).toBeTruthy();

    expect((await fake.progress(m.sid)).map((a) => a.responseStatus)).toEqual([204, 204]);
    expect(await store.get(TENANT, 'run-1/apt-3/sms/2')).toMatchObject({ status: 'delivered', providerStatus: 'delivered', reportedStatus: 'delivered' });
    expect(outcomes.map((o) => [o.outcome, o.record.correlation?.dunningEventId])).toEqual([
      ['sent', 'ev-2'],
      ['delivered', 'ev-2'],
    ]);
    expect([await metric(registry, 'sms', 'sent', 'reminder_deliveries_total'), await metric(registry, 'sms', 'delivered', 'reminder_deliveries_total')]).toEqual([1, 1]);
  });

  it('records an undelivered SMS as bounced with the carrier’s error code', async () => {
    const sent = await wired.notifier.send(smsMessage({ idempotencyKey: 'k-undelivered', to: { phone: '+306900000009' } }));
    await fake.progress(sent.providerMessageId!);
    expect(await store.get(TENANT, 'k-undelivered')).toMatchObject({ status: 'bounced', lastError: { kind: 'permanent', code: 'twilio_30003', bounce: true } });
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'bounced']);
  });

  it('ignores a late "sent" after "delivered", and a forged callback changes nothing', async () => {
    const sent = await wired.notifier.send(smsMessage({ idempotencyKey: 'k-late' }));
    await fake.progress(sent.providerMessageId!);
    expect((await fake.postStatus(sent.providerMessageId!, 'sent')).responseStatus).toBe(204);
    expect((await fake.postStatus(sent.providerMessageId!, 'failed', { signWith: 'forged-token-0000000' })).responseStatus).toBe(403);
    expect(await store.get(TENANT, 'k-late')).toMatchObject({ status: 'delivered' });
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'delivered']);
  });

  it('keeps "delivered" when the callback outruns the send’s own write', async () => {
    const twilio = new TwilioSmsProvider({ baseUrl: fake.url, accountSid: SID, authToken: TOKEN, from: '+15005550006' });
    const callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/webhooks/sms/twilio`;
    const sut = new Notifier({
      templates: templates(),
      platformDefaultLocale: 'en',
      store,
      onOutcome: (e) => void outcomes.push(e),
      smsStatusCallbackUrl: callbackUrl,
      // The provider answers only after Twilio has already called back "sent" and "delivered".
      sms: { name: 'twilio', send: async (msg) => { const r = await twilio.send(msg); if (r.ok) await fake.progress(r.providerMessageId); return r; } },
    });
    route = twilioStatusCallbackHandler({ authToken: TOKEN, publicUrl: callbackUrl, onReport: async (r) => void (await sut.applySmsStatusReport(r)) });
    const record = await sut.send(smsMessage({ idempotencyKey: 'k-race' }));
    expect(record.status).toBe('delivered');
    expect(await store.get(TENANT, 'k-race')).toMatchObject({ status: 'delivered', providerMessageId: expect.stringMatching(/^SM/) });
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'delivered']);
  });

  it('refuses a number that is not E.164 as a bounce without calling Twilio', async () => {
    const before = fake.messages.length;
    expect(await wired.notifier.send(smsMessage({ idempotencyKey: 'k-bad-number', to: { phone: '6900000001' } }))).toMatchObject({ status: 'bounced', lastError: { code: 'sms_invalid_number' } });
    expect(fake.messages.length).toBe(before);
  });

  it('defers on Twilio 503 and sends on the retry', async () => {
    fake.failNextRequests(1, { httpStatus: 503, code: 20503, message: 'Service Unavailable' });
    expect(await wired.notifier.send(smsMessage({ idempotencyKey: 'k-503' }))).toMatchObject({ status: 'deferred', lastError: { code: 'twilio_20503' } });
    expect(await wired.notifier.send(smsMessage({ idempotencyKey: 'k-503' }))).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('Notifier letters', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letters-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders the template into a PDF letter in the mailroom folder, once per key', async () => {
    const outcomes: DeliveryOutcomeEvent[] = [];
    const sut = new Notifier({
      templates: templates(),
      platformDefaultLocale: 'en',
      letters: { sink: new DirectoryLetterSink(dir), defaultSender: { name: 'Hausverwaltung Nord', lines: ['Hafenstraße 1', '20359 Hamburg'] } },
      onOutcome: (e) => void outcomes.push(e),
      clock: () => new Date('2026-03-01T09:00:00Z'),
    });
    const msg: NotificationMessage = {
      tenantId: TENANT,
      idempotencyKey: 'run-1/apt-3/letter/3',
      channel: 'letter',
      to: { name: 'Zoë Παπαδοπούλου', lines: ['Straße des 17. Juni 4', '10623 Berlin'] },
      template: { name: 'dunning.letter', locale: 'de' },
      data,
      reference: 'A-3',
    };
    const record: DeliveryRecord = await sut.send(msg);
    expect(record).toMatchObject({ status: 'sent', provider: 'letter', providerMessageId: expect.stringMatching(/\.pdf$/) });
    expect((await sut.send(msg)).providerMessageId).toBe(record.providerMessageId);
    const { text } = await pdfText(await readFile(join(dir, record.providerMessageId!)));
    for (const s of ['Hausverwaltung Nord · Hafenstraße 1 · 20359 Hamburg', 'Zoë Παπαδοπούλου', '1. März 2026', 'Mahnung A-3', 'bitte überweisen Sie 1.234,56 €.', 'Mit freundlichen Grüßen']) expect(text).toContain(s);
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent']);
  });
});
