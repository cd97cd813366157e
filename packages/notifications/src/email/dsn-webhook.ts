// Bounces (delivery status notifications) reach us over HTTP: the mail server that receives mail
// for the envelope sender (an inbound route of the relay, or an MTA pipe) POSTs the raw message
// (`message/rfc822`, the DSN as received) signed with a shared secret. The signature is
// `X-Commonhold-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
// (the Stripe scheme: a timestamp against replays, several v1 values while a secret rotates).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidSignatureError } from '../sms/twilio';
import { parseDeliveryStatusNotification } from './dsn';

export const DSN_SIGNATURE_HEADER = 'x-commonhold-signature';
/** How old a signed timestamp may be (either way), in seconds. */
export const DSN_SIGNATURE_TOLERANCE_SECONDS = 300;
const MAX_DSN_BYTES = 512 * 1024;

/** The header value for `body` signed now (what the sender computes; tests use it too). */
export function signDsnWebhook(secret: string, body: Buffer | string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** Throws InvalidSignatureError unless `header` signs `body` with `secret` within the tolerance. */
export function verifyDsnWebhook(secret: string, body: Buffer, header: string | undefined, now: Date = new Date()): void {
  if (!header) throw new InvalidSignatureError(`missing ${DSN_SIGNATURE_HEADER}`);
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const v1s = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')).map(([, v]) => Buffer.from(v, 'hex'));
  if (!Number.isInteger(t) || !v1s.length) throw new InvalidSignatureError(`malformed ${DSN_SIGNATURE_HEADER}`);
  if (Math.abs(now.getTime() / 1000 - t) > DSN_SIGNATURE_TOLERANCE_SECONDS) throw new InvalidSignatureError('signature timestamp outside the tolerance');
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  if (!v1s.some((v) => timingSafeEqual(v, expected))) throw new InvalidSignatureError(`${DSN_SIGNATURE_HEADER} does not match`);
}

/**
 * A Node/express handler for signed DSN posts: 403 for a bad signature, 413 for an oversized body,
 * 400 for a body that is not a DSN, 204 once `onDsn` has applied it (a failure there is a 500, so
 * the sender retries); a DSN about mail that is not ours is applied to nothing and still 204.
 */
export function dsnWebhookHandler(options: { secret: string; onDsn: (raw: Buffer) => Promise<unknown> }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DSN_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      const reply = (status: number, text?: string) => {
        res.statusCode = status;
        if (text) res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(text);
      };
      if (tooLarge) return reply(413, 'message too large');
      const raw = Buffer.concat(chunks);
      const header = req.headers[DSN_SIGNATURE_HEADER];
      try {
        verifyDsnWebhook(options.secret, raw, Array.isArray(header) ? header[0] : header);
      } catch (e) {
        return reply(403, (e as Error).message);
      }
      parseDeliveryStatusNotification(raw)
        .catch(() => undefined)
        .then(async (dsn) => {
          if (!dsn) return reply(400, 'not a delivery status notification');
          await options.onDsn(raw);
          reply(204);
        })
        .catch(() => reply(500, 'could not record the report'));
    });
  };
}
