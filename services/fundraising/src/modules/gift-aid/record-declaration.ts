import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, newEvent, notFound, publishEvents, writeAudit, type EventRegistry, type PayloadOf } from '@commonhold/kit';
import { utcDate } from './dates';
import { supersededCoversTo, validateDeclaration, type DeclarationRequest } from './declaration-rules';
import { isValid } from 'postcode';
import { formatPostcode } from './schedule';

export const DECLARATION_CHANGED = 'commonhold.fundraising.gift-aid-declaration.changed.v1';

export interface RecordDeclarationCommand {
  tenantId: string;
  actor: string;
  input: Record<string, unknown> & DeclarationRequest & { contactId: unknown; idempotencyKey: string };
  now?: Date;
}

/**
 * Records a declaration: validate → lock the donor → snapshot their name and address → supersede
 * their active ENDURING declaration (if this one is ENDURING) → write + events + audit, once per key.
 */
export async function recordGiftAidDeclaration(m: EntityManager, registry: EventRegistry, cmd: RecordDeclarationCommand): Promise<{ declarationId: string; supersededIds: string[] }> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'recordGiftAidDeclaration', input, async () => {
    const now = cmd.now ?? new Date();
    const today = utcDate(now);
    if (!isUuid(input.contactId)) throw notFound('input.contactId', `No contact ${String(input.contactId)}`);
    // The row lock serialises declarations of one donor (one active ENDURING declaration at a time).
    const [contact] = await m.query(
      `SELECT id, kind, title, first_name, last_name, house_name_or_number, postcode, country, erased_at, merged_into_id FROM contacts WHERE id = $1 FOR UPDATE`,
      [input.contactId],
    );
    if (!contact || contact.erased_at) throw notFound('input.contactId', `No contact ${input.contactId}`);
    if (contact.merged_into_id) throw badInput('input.contactId', `The contact was merged into ${contact.merged_into_id}; record the declaration there`);
    if (contact.kind !== 'PERSON') throw badInput('input.contactId', 'Only individuals can make a Gift Aid declaration');

    let giftReceivedOn: string | null = null;
    if (input.kind === 'SINGLE' && input.giftId != null) {
      if (!isUuid(input.giftId)) throw notFound('input.giftId', `No gift ${String(input.giftId)}`);
      const [gift] = await m.query(`SELECT contact_id, (received_at AT TIME ZONE 'UTC')::date AS received_on FROM gifts WHERE id = $1`, [input.giftId]);
      if (!gift) throw notFound('input.giftId', `No gift ${input.giftId}`);
      if (gift.contact_id !== contact.id) throw badInput('input.giftId', 'The gift was not given by this contact');
      giftReceivedOn = gift.received_on;
    }
    const d = validateDeclaration(input, { today, giftReceivedOn });

    // HMRC: a declaration names the donor and their home address (house name or number and postcode).
    const country = contact.country?.trim() ?? null;
    const missing = [
      !contact.first_name?.trim() && 'first name',
      !contact.last_name?.trim() && 'last name',
      !contact.house_name_or_number?.trim() && 'house name or number',
      formatPostcode(contact.postcode, country) !== 'X' && !contact.postcode?.trim() && 'postcode',
    ].filter(Boolean);
    if (missing.length) throw badInput('input.contactId', `The contact needs a ${missing.join(', ')} for a Gift Aid declaration`);
    if (formatPostcode(contact.postcode, country) !== 'X' && !isValid(contact.postcode.replace(/\s+/g, ''))) {
      throw badInput('input.contactId', `The contact's postcode ${contact.postcode} is not a valid UK postcode`);
    }

    if (d.kind === 'SINGLE') {
      const [taken] = await m.query(`SELECT id FROM gift_aid_declarations WHERE tenant_id = $1 AND gift_id = $2 AND kind = 'SINGLE' AND status = 'ACTIVE'`, [tenantId, d.giftId]);
      if (taken) throw new AppError('CONFLICT', `The gift already has an active single declaration (${taken.id})`, { field: 'input.giftId' });
    }
    const active: { id: string; declared_at: string; covers_to: string | null; method: string }[] =
      d.kind === 'ENDURING'
        ? await m.query(`SELECT id, declared_at, covers_to, method FROM gift_aid_declarations WHERE tenant_id = $1 AND contact_id = $2 AND kind = 'ENDURING' AND status = 'ACTIVE'`, [
            tenantId,
            contact.id,
          ])
        : [];
    const superseded = active.map((a) => ({ id: a.id, method: a.method, coversTo: supersededCoversTo({ declaredAt: a.declared_at, coversTo: a.covers_to }, d.declaredAt) }));

    const id = randomUUID();
    await m.query(
      `INSERT INTO gift_aid_declarations (id, tenant_id, contact_id, kind, method, declared_at, covers_from, covers_to, gift_id, oral_confirmation_sent_at,
         confirmation_reference, donor_title, donor_first_name, donor_last_name, donor_house_name_or_number, donor_postcode, donor_country, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
      [
        id,
        tenantId,
        contact.id,
        d.kind,
        d.method,
        d.declaredAt,
        d.coversFrom,
        d.kind === 'SINGLE' ? d.coversFrom : null,
        d.giftId,
        d.confirmationSentAt,
        d.confirmationReference,
        contact.title,
        contact.first_name,
        contact.last_name,
        contact.house_name_or_number,
        contact.postcode,
        country,
        now,
      ],
    );
    for (const s of superseded) {
      await m.query(`UPDATE gift_aid_declarations SET status = 'SUPERSEDED', covers_to = $2, superseded_by_id = $3, updated_at = $4 WHERE id = $1`, [s.id, s.coversTo, id, now]);
    }

    const at = now.toISOString();
    await publishEvents(m, registry, tenantId, [
      newEvent(DECLARATION_CHANGED, id, { declarationId: id, contactId: contact.id, status: 'ACTIVE', kind: d.kind, method: d.method, change: 'RECORDED', retroactive: false, at }, contact.id),
      ...superseded.map((s) =>
        newEvent(
          DECLARATION_CHANGED,
          s.id,
          { declarationId: s.id, contactId: contact.id, status: 'SUPERSEDED', kind: 'ENDURING', method: s.method as PayloadOf<typeof DECLARATION_CHANGED>['method'], change: 'SUPERSEDED', retroactive: false, at },
          contact.id,
        ),
      ),
    ]);
    await writeAudit(m, { tenantId, actor, action: 'gift-aid-declaration.recorded', entityType: 'GiftAidDeclaration', entityId: id, after: { contactId: contact.id, ...d } });
    for (const s of superseded) {
      await writeAudit(m, { tenantId, actor, action: 'gift-aid-declaration.superseded', entityType: 'GiftAidDeclaration', entityId: s.id, after: { status: 'SUPERSEDED', coversTo: s.coversTo, supersededById: id } });
    }
    return { declarationId: id, supersededIds: superseded.map((s) => s.id) };
  });
}
