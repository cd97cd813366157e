// Transient or permanent: whether trying the same delivery again later can succeed. Pure rules,
// table-tested in retry-classification.spec.ts; the channels call them on every failure.
import type { DeliveryError } from './delivery-status';

/** The fields nodemailer puts on an SMTP failure (`responseCode`, `command`, `code`, `response`). */
export interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

/** Socket-level failures: the server was not reached or went away; another try may work. */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ETLS', 'EPROTOCOL']);

/**
 * SMTP replies (RFC 5321 §4.2.1): 4xx is a transient negative completion, 5xx permanent. A 5xx
 * at RCPT TO, or any 5xx with an enhanced status 5.1.x (bad address) or 5.2.x (mailbox),
 * rejects the recipient itself: a bounce. Without a reply code, socket failures are transient;
 * a bad envelope or message built by us is permanent; anything unknown is transient, since the
 * caller bounds its attempts.
 */
export function classifySmtpFailure(err: SmtpFailure): DeliveryError {
  const message = (err.response ?? err.message ?? 'SMTP failure').slice(0, 500);
  const reply = err.responseCode;
  if (reply !== undefined && reply >= 400 && reply < 600) {
    const code = `smtp_${reply}`;
    if (reply < 500) return { kind: 'transient', code, message };
    const enhanced = /\b5\.(\d{1,3})\.\d{1,3}\b/.exec(err.response ?? '');
    const bounce = (err.command ?? '').toUpperCase().startsWith('RCPT') || (enhanced !== null && (enhanced[1] === '1' || enhanced[1] === '2'));
    return { kind: 'permanent', code, message, bounce };
  }
  const errCode = err.code ?? '';
  if (TRANSIENT_SOCKET_CODES.has(errCode)) return { kind: 'transient', code: 'connection', message };
  if (errCode === 'EAUTH') return { kind: 'permanent', code: 'smtp_auth', message };
  if (errCode === 'EENVELOPE' || errCode === 'EMESSAGE') return { kind: 'permanent', code: errCode === 'EENVELOPE' ? 'smtp_envelope' : 'smtp_message', message };
  return { kind: 'transient', code: 'unknown', message };
}

/** Twilio error codes about the recipient's number: a bounce, never worth retrying. */
const TWILIO_RECIPIENT_CODES = new Set([
  21211, // invalid 'To' phone number
  21214, // 'To' number cannot be reached
  21408, // permission to send to this region not enabled
  21610, // recipient replied STOP (unsubscribed)
  21612, // no route to the 'To' number
  21614, // 'To' number is not a mobile number
  30003, // unreachable destination handset
  30005, // unknown destination handset
  30006, // landline or unreachable carrier
]);

/**
 * A failed Twilio API call: 429 (rate limited), 5xx and no response at all are transient;
 * other 4xx (bad request, authentication 20003, a recipient the provider refuses) are permanent.
 */
export function classifyProviderFailure(failure: { httpStatus?: number; providerCode?: number; message: string }): DeliveryError {
  const { httpStatus, providerCode } = failure;
  const message = failure.message.slice(0, 500);
  const code = providerCode !== undefined ? `twilio_${providerCode}` : httpStatus !== undefined ? `http_${httpStatus}` : 'connection';
  if (httpStatus === undefined || httpStatus === 429 || httpStatus >= 500) return { kind: 'transient', code, message };
  return { kind: 'permanent', code, message, bounce: providerCode !== undefined && TWILIO_RECIPIENT_CODES.has(providerCode) };
}
