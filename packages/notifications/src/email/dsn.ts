// Bounces that arrive later as mail: RFC 3464 delivery status notifications (multipart/report;
// report-type=delivery-status) sent by a remote MTA to our envelope sender. mailparser reads the
// message; the message/delivery-status part is a list of header-style field groups (one per
// message, then one per recipient), read here. The original Message-ID, which SmtpEmailSender
// derives from the delivery's key, ties the report to its delivery.
import { simpleParser, type HeaderValue } from 'mailparser';
import type { DeliveryStatus } from '../delivery-status';

export interface DsnRecipient {
  /** The `Final-Recipient` address. */
  recipient: string;
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded`. */
  action: string;
  /** RFC 3463 enhanced status, e.g. `5.1.1`. */
  status: string;
  diagnostic?: string;
}

export interface DeliveryStatusNotification {
  /** Message-ID of the message the report is about (from the returned headers or message). */
  originalMessageId?: string;
  originalEnvelopeId?: string;
  reportingMta?: string;
  recipients: DsnRecipient[];
}

/** Field groups of a message/delivery-status body: unfolded `Name: value` lines, groups split by blank lines. */
function fieldGroups(body: string): Array<Map<string, string>> {
  return body
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const m = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
        if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
      }
      return fields;
    })
    .filter((f) => f.size > 0);
}

/** Drops the address type (`rfc822;`), as in `Final-Recipient: rfc822; a@b`. */
const typed = (v: string | undefined) => v?.replace(/^[^;]*;\s*/, '').trim();

/** The parts of a multipart body, by its boundary (CRLF or LF line ends). */
function parts(raw: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const out: string[] = [];
  const chunks = raw.split(delimiter);
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    out.push(chunk.replace(/^\r?\n/, ''));
  }
  return out;
}

function splitPart(part: string): { headers: string; body: string } {
  const at = part.search(/\r?\n\r?\n/);
  if (at < 0) return { headers: part, body: '' };
  return { headers: part.slice(0, at), body: part.slice(at).replace(/^\r?\n\r?\n/, '') };
}

/** Reads a delivery status notification; undefined when the message is not one. */
export async function parseDeliveryStatusNotification(raw: Buffer | string): Promise<DeliveryStatusNotification | undefined> {
  const parsed = await simpleParser(raw);
  const ct = parsed.headers.get('content-type') as (HeaderValue & { value?: string; params?: Record<string, string> }) | undefined;
  const type = typeof ct === 'object' && ct && 'value' in ct ? String(ct.value).toLowerCase() : '';
  const params = (typeof ct === 'object' && ct && 'params' in ct ? ct.params : undefined) ?? {};
  if (type !== 'multipart/report' || (params['report-type'] ?? '').toLowerCase() !== 'delivery-status' || !params.boundary) return undefined;

  const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
  let status: Array<Map<string, string>> | undefined;
  let originalMessageId: string | undefined;
  for (const part of parts(text, params.boundary)) {
    const { headers, body } = splitPart(part);
    const partType = /^content-type:\s*([^;\r\n]+)/im.exec(headers)?.[1]?.trim().toLowerCase();
    if (partType === 'message/delivery-status' || partType === 'message/global-delivery-status') status = fieldGroups(body);
    if (partType === 'text/rfc822-headers' || partType === 'message/rfc822' || partType === 'message/global-headers') {
      originalMessageId ??= /^message-id:\s*(<[^>\r\n]+>)/im.exec(body)?.[1];
    }
  }
  if (!status?.length) return undefined;
  const [perMessage, ...perRecipient] = status;
  return {
    ...(originalMessageId ? { originalMessageId } : {}),
    ...(perMessage!.get('original-envelope-id') ? { originalEnvelopeId: perMessage!.get('original-envelope-id')! } : {}),
    ...(perMessage!.get('reporting-mta') ? { reportingMta: typed(perMessage!.get('reporting-mta'))! } : {}),
    recipients: perRecipient
      .filter((g) => g.has('final-recipient') && g.has('action'))
      .map((g) => ({
        recipient: typed(g.get('final-recipient'))!,
        action: g.get('action')!.toLowerCase(),
        status: g.get('status') ?? '',
        ...(g.get('diagnostic-code') ? { diagnostic: typed(g.get('diagnostic-code'))! } : {}),
      })),
  };
}

/**
 * What a DSN says about a delivery: `failed` with a 5.x.x status is a bounce, `failed` otherwise a
 * failure (the remote MTA gave up); `delivered` is delivered; `delayed`, `relayed` (handed to a
 * system that reports nothing) and `expanded` say nothing final.
 */
export function dsnRecipientStatus(r: DsnRecipient): DeliveryStatus | undefined {
  if (r.action === 'failed') return r.status.startsWith('5.') ? 'bounced' : 'failed';
  if (r.action === 'delivered') return 'delivered';
  return undefined;
}
