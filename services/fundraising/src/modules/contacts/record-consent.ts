import type { EntityManager } from 'typeorm';
import { badInput, idempotent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { optionalText } from './address';
import { contactUpdated } from './contact.events';
import { assertActive, lockContact } from './contact.store';

export const CONSENT_CHANNELS = ['EMAIL', 'SMS', 'PHONE', 'POST'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export interface ConsentRow {
  id: string;
  contact_id: string;
  channel: ConsentChannel;
  granted: boolean;
  source: string;
  recorded_at: Date;
}

/** A clock-skew allowance for "not in the future". */
const SKEW_MS = 60_000;

export interface NewConsent {
  channel: ConsentChannel;
  granted: boolean;
  source: string;
  recordedAt: Date;
}

/** Validates a consent statement: a known channel, granted true/false, a source, a time not in the future (default now). */
export function validateConsent(input: Record<string, unknown>, now: Date): NewConsent {
  if (!CONSENT_CHANNELS.includes(input.channel as ConsentChannel)) throw badInput('input.channel', 'channel must be EMAIL, SMS, PHONE or POST');
  if (typeof input.granted !== 'boolean') throw badInput('input.granted', 'granted must be true or false');
  const source = optionalText('input.source', input.source, 200);
  if (source === null) throw badInput('input.source', 'source must not be blank');
  let recordedAt = now;
  if (input.recordedAt != null) {
    const d = input.recordedAt instanceof Date ? input.recordedAt : new Date(String(input.recordedAt));
    if (Number.isNaN(d.getTime())) throw badInput('input.recordedAt', 'recordedAt must be an ISO 8601 date-time');
    if (d.getTime() > now.getTime() + SKEW_MS) throw badInput('input.recordedAt', 'recordedAt must not be in the future');
    recordedAt = d;
  }
  return { channel: input.channel as ConsentChannel, granted: input.granted, source, recordedAt };
}

/**
 * Appends a consent statement to the contact's history (GDPR: who said what, when, how we know).
 * The current state per channel is the latest statement by `recorded_at`. Announced as
 * `contact.updated.v1` with the consent; audited.
 */
export async function recordConsent(
  m: EntityManager,
  registry: EventRegistry,
  cmd: { tenantId: string; actor: string; input: Record<string, unknown> & { contactId: string; idempotencyKey: string }; now?: Date },
): Promise<{ contactId: string; consentId: string }> {
  return idempotent(m, cmd.tenantId, 'recordConsent', cmd.input, async () => {
    const c = validateConsent(cmd.input, cmd.now ?? new Date());
    const row = await lockContact(m, 'input.contactId', cmd.input.contactId);
    assertActive(row, 'input.contactId');
    const [{ id }] = await m.query(
      `INSERT INTO contact_consents (tenant_id, contact_id, channel, granted, source, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [cmd.tenantId, row.id, c.channel, c.granted, c.source, c.recordedAt],
    );
    const consent = { channel: c.channel, granted: c.granted, source: c.source, recordedAt: c.recordedAt.toISOString() };
    await publishEvents(m, registry, cmd.tenantId, [contactUpdated(row.id, row.kind, ['consent'], { consent })]);
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'contact.consent-recorded', entityType: 'Contact', entityId: row.id, after: { consent } });
    return { contactId: row.id, consentId: String(id) };
  });
}
