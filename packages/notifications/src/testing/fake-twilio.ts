// A fake of Twilio's Messages API for tests and local runs, speaking its wire format: form-encoded
// POST /2010-04-01/Accounts/{sid}/Messages.json with HTTP Basic auth, JSON bodies and error
// objects ({code, message, more_info, status}) as Twilio sends them, and status callbacks posted
// form-encoded to the message's StatusCallback with X-Twilio-Signature computed here by hand from
// Twilio's documented algorithm (HMAC-SHA1 over the URL followed by every parameter name and
// value, sorted by name, base64) — independently of the SDK check the package uses to verify.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  status: string;
  errorCode: number | null;
  /** The request exactly as received. */
  request: { contentType: string | undefined; authorization: string | undefined; form: string };
}

/** What happens to a message after Twilio accepts it, as the carrier would decide. */
export interface FakeTwilioFate {
  /** The final status posted after `sent`: delivered (default), undelivered or failed. */
  final: 'delivered' | 'undelivered' | 'failed';
  errorCode?: number;
}

export interface FakeTwilioOptions {
  /** Account SID → Auth Token the fake accepts. */
  accounts: Record<string, string>;
  /** The fate of a message by recipient (default: delivered). */
  fate?: (to: string) => FakeTwilioFate;
}

export interface CallbackAttempt {
  sid: string;
  status: string;
  url: string;
  /** Our handler's HTTP status. */
  responseStatus: number;
}

export interface FakeTwilio {
  /** Base URL to configure as the provider's (`TWILIO_BASE_URL`). */
  url: string;
  messages: FakeTwilioMessage[];
  callbacks: CallbackAttempt[];
  /** The next `count` create requests fail with this HTTP status and Twilio error code (e.g. 503/20503, 429/20429). */
  failNextRequests(count: number, failure: { httpStatus: number; code: number; message: string }): void;
  /** Posts the signed status callbacks a real account would: `sent`, then the message's fate. */
  progress(sid: string): Promise<CallbackAttempt[]>;
  /** Posts one status callback for a message, signed (or with `signWith` another token, to test rejection). */
  postStatus(sid: string, status: string, opts?: { errorCode?: number; signWith?: string }): Promise<CallbackAttempt>;
  close(): Promise<void>;
}

/** Twilio's request signature: base64(HMAC-SHA1(authToken, url + name1 + value1 + name2 + value2 …)), names sorted. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

const E164 = /^\+[1-9]\d{6,14}$/;
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

function twilioError(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeTwilio(options: FakeTwilioOptions): Promise<FakeTwilio> {
  const messages: FakeTwilioMessage[] = [];
  const callbacks: CallbackAttempt[] = [];
  const failures: Array<{ httpStatus: number; code: number; message: string }> = [];

  const toJson = (m: FakeTwilioMessage) => {
    const now = rfc2822(new Date());
    return {
      account_sid: m.accountSid,
      api_version: '2010-04-01',
      body: m.body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: m.errorCode,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: '0',
      num_segments: String(Math.max(1, Math.ceil(m.body.length / 153))),
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
      to: m.to,
      uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
    };
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => twilioError(res, 500, 20500, 'Internal Server Error'));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const create = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    const fetchOne = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/.exec(path);
    const pathSid = decodeURIComponent((create ?? fetchOne)?.[1] ?? '');
    if (!create && !fetchOne) return twilioError(res, 404, 20404, `The requested resource ${path} was not found`);

    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [user, pass] = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
    if (!user || options.accounts[user] === undefined || options.accounts[user] !== pass || user !== pathSid) return twilioError(res, 401, 20003, 'Authenticate');

    if (fetchOne && req.method === 'GET') {
      const m = messages.find((x) => x.sid === fetchOne[2] && x.accountSid === user);
      if (!m) return twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(toJson(m)));
    }
    if (!create || req.method !== 'POST') return twilioError(res, 405, 20004, 'Method not allowed');

    const form = await readBody(req);
    const failure = failures.shift();
    if (failure) return twilioError(res, failure.httpStatus, failure.code, failure.message);
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return twilioError(res, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
    const p = new URLSearchParams(form);
    const to = p.get('To');
    const body = p.get('Body');
    const from = p.get('From');
    const service = p.get('MessagingServiceSid');
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!from && !service) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!body) return twilioError(res, 400, 21602, 'Message body is required.');
    if (!E164.test(to)) return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (body.length > 1600) return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');

    const m: FakeTwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid: user,
      to,
      from: from ?? null,
      messagingServiceSid: service ?? null,
      body,
      statusCallback: p.get('StatusCallback'),
      status: service ? 'accepted' : 'queued',
      errorCode: null,
      request: { contentType: req.headers['content-type'], authorization: req.headers.authorization, form },
    };
    messages.push(m);
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(toJson(m)));
  }

  async function postStatus(sid: string, status: string, opts: { errorCode?: number; signWith?: string } = {}): Promise<CallbackAttempt> {
    const m = messages.find((x) => x.sid === sid);
    if (!m) throw new Error(`fake Twilio: no message ${sid}`);
    if (!m.statusCallback) throw new Error(`fake Twilio: message ${sid} has no StatusCallback`);
    m.status = status;
    if (opts.errorCode !== undefined) m.errorCode = opts.errorCode;
    const params: Record<string, string> = {
      AccountSid: m.accountSid,
      ApiVersion: '2010-04-01',
      From: m.from ?? '',
      MessageSid: m.sid,
      MessageStatus: status,
      SmsSid: m.sid,
      SmsStatus: status,
      To: m.to,
      ...(m.messagingServiceSid ? { MessagingServiceSid: m.messagingServiceSid } : {}),
      ...(opts.errorCode !== undefined ? { ErrorCode: String(opts.errorCode) } : {}),
    };
    const token = opts.signWith ?? options.accounts[m.accountSid]!;
    const res = await fetch(m.statusCallback, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-twilio-signature': twilioSignature(token, m.statusCallback, params),
        'i-twilio-idempotency-token': randomUUID(),
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
    });
    await res.arrayBuffer();
    const attempt = { sid, status, url: m.statusCallback, responseStatus: res.status };
    callbacks.push(attempt);
    return attempt;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    callbacks,
    failNextRequests(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    postStatus,
    async progress(sid) {
      const m = messages.find((x) => x.sid === sid);
      if (!m) throw new Error(`fake Twilio: no message ${sid}`);
      const fate = options.fate?.(m.to) ?? { final: 'delivered' };
      const sent = await postStatus(sid, 'sent');
      const final = await postStatus(sid, fate.final, { errorCode: fate.errorCode ?? (fate.final === 'delivered' ? undefined : 30003) });
      return [sent, final];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
