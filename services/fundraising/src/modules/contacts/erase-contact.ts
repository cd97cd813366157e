import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { recomputeRollups } from '../gifts';
import { eraseIntakeData } from '../intake';
import { optionalText } from './address';
import { contactErased } from './contact.events';
import { lockContact } from './contact.store';
import { lockHouseholds, refreshHouseholdNames } from './household.store';

/** What an erased contact is called. */
export const ERASED_NAME = 'Erased';

/** Top-level keys of contact audit entries that hold personal data; erasure removes them. */
export const PERSONAL_AUDIT_KEYS = ['title', 'firstName', 'lastName', 'organisationName', 'email', 'phone', 'address', 'consent'];

/**
 * GDPR erasure: anonymises the contact (names → "Erased"; title, email, phone and address → null;
 * consent history deleted; it leaves its household) together with any contacts merged into it,
 * and strips personal fields from their earlier audit entries. Gifts, refunds, soft credits and
 * Gift Aid declarations are kept (the declaration's own donor snapshot is the legal record HMRC
 * requires; it is not touched). `contact.erased.v1` per erased contact, with no personal data.
 */
export async function eraseContact(
  m: EntityManager,
  registry: EventRegistry,
  cmd: { tenantId: string; actor: string; input: { contactId: string; reason: string; idempotencyKey: string }; now?: Date },
): Promise<{ contactId: string }> {
  return idempotent(m, cmd.tenantId, 'eraseContact', cmd.input, async () => {
    const reason = optionalText('input.reason', cmd.input.reason, 500);
    if (reason === null) throw badInput('input.reason', 'reason must not be blank');
    const row = await lockContact(m, 'input.contactId', cmd.input.contactId);
    if (row.erasedAt) throw new AppError('CONFLICT', `Contact ${row.id} has already been erased`, { field: 'input.contactId' });
    const erasedAt = cmd.now ?? new Date();
    // The contact and every contact merged into it (their leftover records hold the same person's data).
    const chain: { id: string; household_id: string | null; erased_at: Date | null }[] = await m.query(
      `WITH RECURSIVE chain AS (
         SELECT id FROM contacts WHERE id = $1
         UNION SELECT c.id FROM contacts c JOIN chain ON c.merged_into_id = chain.id
       )
       SELECT c.id, c.household_id, c.erased_at FROM contacts c JOIN chain USING (id) ORDER BY c.id FOR UPDATE OF c`,
      [row.id],
    );
    const ids = chain.map((r) => r.id);
    const newlyErased = chain.filter((r) => !r.erased_at).map((r) => r.id);
    const households = [...new Set(chain.map((r) => r.household_id).filter((h): h is string => !!h))];
    await m.query(
      `UPDATE contacts SET
         title = NULL,
         first_name = CASE WHEN kind = 'PERSON' THEN $2 END,
         last_name = $2,
         organisation_name = CASE WHEN kind = 'ORGANISATION' THEN $2 END,
         email = NULL, phone = NULL,
         house_name_or_number = NULL, address_line1 = NULL, address_line2 = NULL, city = NULL, postcode = NULL, country = NULL,
         household_id = NULL, exclude_from_household_name = false,
         erased_at = coalesce(erased_at, $3), updated_at = $3
       WHERE id = ANY($1::uuid[])`,
      [ids, ERASED_NAME, erasedAt],
    );
    await m.query(`DELETE FROM contact_consents WHERE contact_id = ANY($1::uuid[])`, [ids]);
    // Raw provider payloads name the donor too: blank them and unlink the provider customer ids.
    for (const id of ids) await eraseIntakeData(m, id);
    await m.query(
      `UPDATE audit_events SET before = CASE WHEN jsonb_typeof(before) = 'object' THEN before - $2::text[] ELSE before END,
                               after = CASE WHEN jsonb_typeof(after) = 'object' THEN after - $2::text[] ELSE after END
       WHERE entity_type = 'Contact' AND entity_id = ANY($1::text[])`,
      [ids, PERSONAL_AUDIT_KEYS],
    );
    await lockHouseholds(m, households);
    for (const h of households) await refreshHouseholdNames(m, h, { forget: true });
    await recomputeRollups(m, cmd.tenantId, { contactIds: ids, householdIds: households });
    await publishEvents(m, registry, cmd.tenantId, newlyErased.map((id) => contactErased(id, erasedAt)));
    await writeAudit(m, {
      tenantId: cmd.tenantId,
      actor: cmd.actor,
      action: 'contact.erased',
      entityType: 'Contact',
      entityId: row.id,
      after: { erasedAt: erasedAt.toISOString(), reason, alsoErased: newlyErased.filter((id) => id !== row.id) },
    });
    return { contactId: row.id };
  });
}
