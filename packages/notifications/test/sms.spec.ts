// SMS through the Twilio wire format against a fake Twilio HTTP server, and status callbacks
// from that fake into our real HTTP callback handler: signatures verified, statuses mapped.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { SmsStatusReport } from '../src/sms/sms-provider';
import { TwilioSmsProvider, twilioStatusCallbackHandler, twilioStatusToOurs, verifyTwilioStatusCallback } from '../src/sms/twilio';
import { startFakeTwilio, twilioSignature, type FakeTwilio } from '../src/testing/fake-twilio';

const SID = 'AC' + 'a1'.repeat(16);
const TOKEN = 'tok_' + 'f0'.repeat(14);

describe('Twilio SMS provider against the fake Twilio', () => {
  let fake: FakeTwilio;
  let callbackServer: Server;
  let callbackUrl: string;
  const reports: SmsStatusReport[] = [];
  let sut: TwilioSmsProvider;

  beforeAll(async () => {
    fake = await startFakeTwilio({
      accounts: { [SID]: TOKEN },
      fate: (to) => (to === '+306900000002' ? { final: 'undelivered', errorCode: 30005 } : to === '+306900000003' ? { final: 'failed', errorCode: 30008 } : { final: 'delivered' }),
    });
    callbackServer = createServer();
    await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', () => r()));
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/webhooks/twilio/status`;
    callbackServer.on('request', twilioStatusCallbackHandler({ authToken: TOKEN, publicUrl: callbackUrl, onReport: async (r) => void reports.push(r) }));
    sut = new TwilioSmsProvider({ baseUrl: fake.url, accountSid: SID, authToken: TOKEN, from: '+15005550006', statusCallbackUrl: callbackUrl });
  });
  afterAll(async () => {
    await fake.close();
    callbackServer.closeAllConnections();
    await new Promise<void>((r) => callbackServer.close(() => r()));
  });
  beforeEach(() => {
    reports.length = 0;
  });

  it('creates the message with a form-encoded, Basic-authenticated POST and keeps Twilio’s sid', async () => {
    const result = await sut.send({ to: '+306900000001', body: 'Υπενθύμιση: 1.234,56 € για το διαμέρισμα 3' });
    expect(result).toEqual({ ok: true, status: 'sent', providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const m = fake.messages.at(-1)!;
    expect(m.sid).toBe(result.ok && result.providerMessageId);
    expect(m.request.contentType).toBe('application/x-www-form-urlencoded');
    expect(m.request.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(m.request.form))).toEqual({
      To: '+306900000001',
      From: '+15005550006',
      Body: 'Υπενθύμιση: 1.234,56 € για το διαμέρισμα 3',
      StatusCallback: callbackUrl,
    });
  });

  it('sends through a Messaging Service when the sender is an MG sid', async () => {
    const viaService = new TwilioSmsProvider({ baseUrl: fake.url, accountSid: SID, authToken: TOKEN, from: 'MG' + '0'.repeat(32) });
    expect(await viaService.send({ to: '+306900000001', body: 'x' })).toMatchObject({ ok: true, status: 'sent' });
    expect(fake.messages.at(-1)).toMatchObject({ from: null, messagingServiceSid: 'MG' + '0'.repeat(32), status: 'accepted', statusCallback: null });
  });

  it.each([
    ['+306900000001', [['sent', 'sent', undefined], ['delivered', 'delivered', undefined]]],
    ['+306900000002', [['sent', 'sent', undefined], ['undelivered', 'bounced', 'twilio_30005']]],
    ['+306900000003', [['sent', 'sent', undefined], ['failed', 'failed', 'twilio_30008']]],
  ] as const)('maps the signed status callbacks for %s', async (to, expected) => {
    const result = await sut.send({ to, body: 'Reminder' });
    const sid = result.ok ? result.providerMessageId : '';
    const attempts = await fake.progress(sid);
    expect(attempts.map((a) => a.responseStatus)).toEqual([204, 204]);
    expect(reports).toEqual(
      expected.map(([providerStatus, status, errorCode]) => ({ provider: 'twilio', providerMessageId: sid, providerStatus, status, ...(errorCode ? { errorCode } : {}) })),
    );
  });

  it('rejects a callback signed with another token (403) and records nothing', async () => {
    const result = await sut.send({ to: '+306900000001', body: 'x' });
    const attempt = await fake.postStatus(result.ok ? result.providerMessageId : '', 'delivered', { signWith: 'not-the-token' });
    expect(attempt.responseStatus).toBe(403);
    expect(reports).toEqual([]);
  });

  it('rejects tampered and unsigned callbacks, and a signature for another URL', async () => {
    const params = { AccountSid: SID, MessageSid: 'SM' + '1'.repeat(32), MessageStatus: 'delivered', SmsSid: 'SM' + '1'.repeat(32), SmsStatus: 'delivered', To: '+306900000001' };
    const post = (url: string, body: Record<string, string>, signature?: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) }, body: new URLSearchParams(body) }).then(
        (r) => r.status,
      );
    const good = twilioSignature(TOKEN, callbackUrl, params);
    expect(await post(callbackUrl, { ...params, MessageStatus: 'undelivered' }, good)).toBe(403); // a parameter changed
    expect(await post(callbackUrl, params)).toBe(403); // unsigned
    expect(await post(`${callbackUrl}?delivery=other`, params, good)).toBe(403); // signed for another URL
    expect(reports).toEqual([]);
    expect(await post(callbackUrl, params, good)).toBe(204); // the untouched original passes
    expect(reports).toHaveLength(1);
  });

  it('verifies a StatusCallback carrying our own query string', async () => {
    const withRef = new TwilioSmsProvider({ baseUrl: fake.url, accountSid: SID, authToken: TOKEN, from: '+15005550006' });
    const result = await withRef.send({ to: '+306900000001', body: 'x', statusCallbackUrl: `${callbackUrl}?delivery=t1%2Frun-1%2Fapt-3%2Fsms%2F1` });
    const [sent] = await fake.progress(result.ok ? result.providerMessageId : '');
    expect(sent!.responseStatus).toBe(204);
    expect(reports.map((r) => r.status)).toEqual(['sent', 'delivered']);
  });

  it.each([
    ['401 wrong credentials → permanent', () => new TwilioSmsProvider({ baseUrl: fake.url, accountSid: SID, authToken: 'wrong', from: '+15005550006' }), { kind: 'permanent', code: 'twilio_20003', bounce: false }],
  ])('%s', async (_name, make, error) => {
    expect(await make().send({ to: '+306900000001', body: 'x' })).toEqual({ ok: false, error: { ...error, message: 'Authenticate' } });
  });

  it.each([
    [503, 20503, 'Service Unavailable', 'transient', false],
    [429, 20429, 'Too Many Requests', 'transient', false],
    [400, 21610, 'Attempt to send to unsubscribed recipient', 'permanent', true],
  ])('classifies HTTP %s / Twilio %s', async (httpStatus, code, message, kind, bounce) => {
    fake.failNextRequests(1, { httpStatus, code, message });
    const result = await sut.send({ to: '+306900000001', body: 'x' });
    expect(result).toEqual({ ok: false, error: { kind, code: `twilio_${code}`, message, ...(kind === 'permanent' ? { bounce } : {}) } });
  });

  it('refuses a number that is not E.164 and an over-long body before calling Twilio', async () => {
    const before = fake.messages.length;
    expect(await sut.send({ to: '06900000001', body: 'x' })).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'sms_invalid_number', bounce: true } });
    expect(await sut.send({ to: '+306900000001', body: 'x'.repeat(1601) })).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'sms_body_too_long' } });
    expect(fake.messages.length).toBe(before);
  });

  it('reports an unreachable provider as transient', async () => {
    const gone = await startFakeTwilio({ accounts: {} });
    const url = gone.url;
    await gone.close();
    expect(await new TwilioSmsProvider({ baseUrl: url, accountSid: SID, authToken: TOKEN, from: '+15005550006' }).send({ to: '+306900000001', body: 'x' })).toMatchObject({
      ok: false,
      error: { kind: 'transient', code: 'connection' },
    });
  });
});

describe('Twilio status mapping and signatures', () => {
  it.each([
    ['queued', 'sent'],
    ['accepted', 'sent'],
    ['sending', 'sent'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'delivered'],
    ['undelivered', 'bounced'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
    ['receiving', undefined],
  ])('%s → %s', (twilioStatus, ours) => {
    expect(twilioStatusToOurs(twilioStatus)).toBe(ours);
  });

  it("the fake's hand-written signature equals the twilio SDK's, with params in any order", () => {
    const url = 'https://api.example.org/webhooks/twilio/status?delivery=a%2Fb';
    const params = { To: '+306900000001', MessageStatus: 'delivered', MessageSid: 'SMx', AccountSid: SID, Body: 'Zoë €' };
    expect(twilioSignature(TOKEN, url, params)).toBe(getExpectedTwilioSignature(TOKEN, url, params));
    expect(verifyTwilioStatusCallback(TOKEN, { url, params, signature: twilioSignature(TOKEN, url, params) })).toMatchObject({ status: 'delivered', providerMessageId: 'SMx' });
  });

  it('refuses a signed request that is not a message status', () => {
    const url = 'https://api.example.org/cb';
    const params = { Foo: 'bar' };
    expect(() => verifyTwilioStatusCallback(TOKEN, { url, params, signature: twilioSignature(TOKEN, url, params) })).toThrow('not a message status callback');
  });
});
