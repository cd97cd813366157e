// Twilio's Programmable Messaging wire format: create a message with a form-encoded POST to
// /2010-04-01/Accounts/{AccountSid}/Messages.json (HTTP Basic auth: Account SID and Auth Token),
// read status callbacks signed with X-Twilio-Signature. Plain fetch for the call, so the base URL
// can point at a fake in tests; the twilio SDK's own validateRequest for the signature.
import type { IncomingMessage, ServerResponse } from 'node:http';
// The webhooks module alone: the signature check without loading the whole REST client.
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import type { ChannelResult } from '../channel';
import type { DeliveryStatus } from '../delivery-status';
import { classifyProviderFailure } from '../retry-classification';
import { E164, SMS_MAX_BODY, type SmsMessage, type SmsProvider, type SmsStatusReport } from './sms-provider';

export interface TwilioOptions {
  /** `https://api.twilio.com` in production; a fake's URL in tests. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender: a number in E.164, an alphanumeric sender id, or a Messaging Service SID (`MG…`). */
  from: string;
  /** Default StatusCallback for every message (the public URL of our callback route). */
  statusCallbackUrl?: string;
  /** Per request (default 10 s); a timeout counts as transient. */
  timeoutMs?: number;
}

/**
 * Twilio's message statuses → ours. Accepted by Twilio (queued, accepted, scheduled, sending)
 * and handed to the carrier (sent) are both `sent` — like an SMTP relay's 250; `delivered`/`read`
 * are `delivered`; `undelivered` (the carrier could not reach the handset) is a bounce; `failed`
 * and `canceled` are failures. Inbound statuses say nothing about our delivery.
 */
export function twilioStatusToOurs(status: string): DeliveryStatus | undefined {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'bounced';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return undefined;
  }
}

export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio';
  constructor(private readonly options: TwilioOptions) {}

  private get authorization(): string {
    return `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
  }

  /** Creates the message; `sent` with Twilio's `SM…` sid as the provider id when Twilio accepts it. */
  async send(message: SmsMessage): Promise<ChannelResult> {
    if (!E164.test(message.to)) return { ok: false, error: { kind: 'permanent', code: 'sms_invalid_number', message: `not an E.164 number: ${message.to}`, bounce: true } };
    if (message.body.length > SMS_MAX_BODY) return { ok: false, error: { kind: 'permanent', code: 'sms_body_too_long', message: `${message.body.length} characters (at most ${SMS_MAX_BODY})` } };
    const from = message.from ?? this.options.from;
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    form.set(/^MG[0-9a-f]{32}$/i.test(from) ? 'MessagingServiceSid' : 'From', from);
    const callback = message.statusCallbackUrl ?? this.options.statusCallbackUrl;
    if (callback) form.set('StatusCallback', callback);

    const url = `${this.options.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.options.accountSid)}/Messages.json`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      return { ok: false, error: classifyProviderFailure({ message: (e as Error).message }) };
    }
    const json = (await res.json().catch(() => undefined)) as { sid?: string; status?: string; code?: number; message?: string } | undefined;
    if (res.status === 201 && json?.sid) {
      const status = twilioStatusToOurs(json.status ?? 'queued');
      return { ok: true, status: status === 'delivered' ? 'delivered' : 'sent', providerMessageId: json.sid };
    }
    return { ok: false, error: classifyProviderFailure({ httpStatus: res.status, providerCode: json?.code, message: json?.message ?? `HTTP ${res.status}` }) };
  }
}

export class InvalidSignatureError extends Error {
  readonly code = 'invalid_signature';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSignatureError';
  }
}

/**
 * Verifies a status callback and maps it. `url` is the full URL Twilio posted to, as Twilio saw
 * it (the public StatusCallback, with its query string); `params` the form body. A missing or
 * wrong `X-Twilio-Signature` throws InvalidSignatureError.
 */
export function verifyTwilioStatusCallback(authToken: string, input: { url: string; params: Record<string, string>; signature: string | undefined }): SmsStatusReport {
  if (!input.signature) throw new InvalidSignatureError('missing X-Twilio-Signature');
  if (!validateRequest(authToken, input.signature, input.url, input.params)) throw new InvalidSignatureError('X-Twilio-Signature does not match');
  const query = new URL(input.url).searchParams;
  const sid = input.params.MessageSid ?? input.params.SmsSid;
  const providerStatus = input.params.MessageStatus ?? input.params.SmsStatus;
  if (!sid || !providerStatus) throw new InvalidSignatureError('signed, but not a message status callback (no MessageSid/MessageStatus)');
  return {
    provider: 'twilio',
    providerMessageId: sid,
    providerStatus,
    status: twilioStatusToOurs(providerStatus),
    ...(input.params.ErrorCode ? { errorCode: `twilio_${input.params.ErrorCode}` } : {}),
    ...(query.size ? { callbackQuery: Object.fromEntries(query) } : {}),
  };
}

const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * A Node/express route handler for Twilio status callbacks. `publicUrl` is the StatusCallback URL
 * as given to Twilio (scheme, host and path seen from outside, behind the gateway); the request's
 * own query string is appended before checking the signature. 403 for a bad signature, 413 for
 * an oversized body, 204 once `onReport` has stored the report (a failure there is a 500, so
 * Twilio retries).
 */
export function twilioStatusCallbackHandler(options: { authToken: string; publicUrl: string; onReport: (report: SmsStatusReport) => Promise<void> }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_CALLBACK_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      const reply = (status: number, text?: string) => {
        res.statusCode = status;
        if (text) res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(text);
      };
      if (tooLarge) return reply(413, 'callback too large');
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const query = new URL(req.url ?? '/', 'http://x').search;
      const url = options.publicUrl.split('?')[0] + query;
      const signature = req.headers['x-twilio-signature'];
      let report: SmsStatusReport;
      try {
        report = verifyTwilioStatusCallback(options.authToken, { url, params, signature: Array.isArray(signature) ? signature[0] : signature });
      } catch (e) {
        return reply(403, (e as Error).message);
      }
      options.onReport(report).then(
        () => reply(204),
        () => reply(500, 'could not record the report'),
      );
    });
  };
}
