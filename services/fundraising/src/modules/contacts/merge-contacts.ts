import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { recomputeRollups } from '../gifts';
import type { ContactFields } from './contact';
import { ContactEntity, type ContactRow } from './contact.entity';
import { contactMerged, contactUpdated, type UpdatedField } from './contact.events';
import { assertActive, fieldsToColumns, lockContact, pickFields, rowToFields } from './contact.store';
import { lockHouseholds, refreshHouseholdNames } from './household.store';

export interface MergeContactsCommand {
  tenantId: string;
  actor: string;
  input: { survivorId: string; duplicateId: string; idempotencyKey: string };
  now?: Date;
}

/** Fields the survivor takes from the duplicate when it has none of its own (address as a whole). */
const FILLABLE = ['title', 'firstName', 'email', 'phone', 'address'] as const;

/** The survivor's fields with its empty ones filled from the duplicate, and which were filled. */
export function fillEmptyFields(survivor: ContactFields, duplicate: ContactFields): { next: ContactFields; filled: (typeof FILLABLE)[number][] } {
  const next = { ...survivor };
  const filled = FILLABLE.filter((f) => survivor[f] === null && duplicate[f] !== null && !(f === 'firstName' && survivor.kind !== 'PERSON'));
  for (const f of filled) (next as Record<string, unknown>)[f] = duplicate[f];
  return { next, filled };
}

/** Moves a table's rows from one contact to another when the table exists (other modules' migrations may not have run yet). */
async function moveIfTableExists(m: EntityManager, table: 'gift_aid_declarations' | 'recurring_agreements', to: string, from: string): Promise<number> {
  const [{ present }] = await m.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
  if (!present) return 0;
  return count(m, `UPDATE ${table} SET contact_id = $1 WHERE contact_id = $2 RETURNING 1`, [to, from]);
}

async function count(m: EntityManager, returning: string, params: unknown[]): Promise<number> {
  const [{ n }] = await m.query(`WITH changed AS (${returning}) SELECT count(*)::int AS n FROM changed`, params);
  return n;
}

/** Moves soft credits; one that both had on the same gift and role is one credit, and the larger is kept. */
async function softCreditsMoved(m: EntityManager, to: string, from: string): Promise<number> {
  const [{ n }] = await m.query(
    `WITH gone AS (DELETE FROM soft_credits WHERE contact_id = $2 RETURNING tenant_id, gift_id, role, amount_minor),
          moved AS (
            INSERT INTO soft_credits (tenant_id, gift_id, contact_id, role, amount_minor)
            SELECT tenant_id, gift_id, $1, role, amount_minor FROM gone
            ON CONFLICT (gift_id, contact_id, role) DO UPDATE SET amount_minor = greatest(soft_credits.amount_minor, EXCLUDED.amount_minor)
            RETURNING 1
          )
     SELECT count(*)::int AS n FROM moved`,
    [to, from],
  );
  return n;
}

/**
 * Merges a duplicate contact into a survivor in one transaction: gifts, soft credits,
 * opportunities, consent history, Gift Aid declarations and recurring agreements move to the
 * survivor; the survivor's empty fields are filled from the duplicate; the survivor keeps its
 * household (or takes the duplicate's when it has none); the duplicate is kept as a pointer
 * (`merged_into_id`) and leaves its household. Rollups of both contacts and both households are
 * recomputed. `contact.merged.v1` (+ `contact.updated.v1` when fields were filled) and audit.
 */
export async function mergeContacts(m: EntityManager, registry: EventRegistry, cmd: MergeContactsCommand): Promise<{ survivorId: string; duplicateId: string }> {
  return idempotent(m, cmd.tenantId, 'mergeContacts', cmd.input, async () => {
    const { survivorId, duplicateId } = cmd.input;
    if (isUuid(survivorId) && isUuid(duplicateId) && survivorId.toLowerCase() === duplicateId.toLowerCase()) {
      throw badInput('input.duplicateId', 'a contact cannot be merged into itself');
    }
    // Lock in id order so two opposite merges cannot deadlock.
    const ordered = [
      ['input.survivorId', survivorId],
      ['input.duplicateId', duplicateId],
    ].sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    const locked = new Map<string, ContactRow>();
    for (const [field, id] of ordered) locked.set(field!, await lockContact(m, field!, id));
    const survivor = locked.get('input.survivorId')!;
    const duplicate = locked.get('input.duplicateId')!;
    assertActive(survivor, 'input.survivorId');
    assertActive(duplicate, 'input.duplicateId');
    if (survivor.kind !== duplicate.kind) throw badInput('input.duplicateId', 'a person and an organisation cannot be merged');

    const moved = {
      gifts: await count(m, `UPDATE gifts SET contact_id = $1 WHERE contact_id = $2 RETURNING 1`, [survivor.id, duplicate.id]),
      // A soft credit both had on the same gift and role is one credit: the larger is kept.
      softCredits: await softCreditsMoved(m, survivor.id, duplicate.id),
      opportunities: await count(m, `UPDATE opportunities SET contact_id = $1, updated_at = now() WHERE contact_id = $2 RETURNING 1`, [survivor.id, duplicate.id]),
      consents: await count(m, `UPDATE contact_consents SET contact_id = $1 WHERE contact_id = $2 RETURNING 1`, [survivor.id, duplicate.id]),
      giftAidDeclarations: await moveIfTableExists(m, 'gift_aid_declarations', survivor.id, duplicate.id),
      recurringAgreements: await moveIfTableExists(m, 'recurring_agreements', survivor.id, duplicate.id),
    };
    // Earlier merges into the duplicate now point at the survivor (pointers stay one hop long).
    await m.query(`UPDATE contacts SET merged_into_id = $1 WHERE merged_into_id = $2`, [survivor.id, duplicate.id]);

    const current = rowToFields(survivor);
    const { next, filled } = fillEmptyFields(current, rowToFields(duplicate));
    const takesHousehold = survivor.kind === 'PERSON' && !survivor.householdId && !!duplicate.householdId;
    const survivorHousehold = takesHousehold ? duplicate.householdId : survivor.householdId;
    const now = cmd.now ?? new Date();
    await m.query(`UPDATE contacts SET merged_into_id = $2, household_id = NULL, updated_at = $3 WHERE id = $1`, [duplicate.id, survivor.id, now]);
    await m.getRepository(ContactEntity).update({ id: survivor.id }, { ...fieldsToColumns(next), householdId: survivorHousehold, updatedAt: now });
    await lockHouseholds(m, [survivor.householdId, duplicate.householdId]);
    await refreshHouseholdNames(m, survivorHousehold);
    if (duplicate.householdId !== survivorHousehold) await refreshHouseholdNames(m, duplicate.householdId);
    const households = [survivor.householdId, duplicate.householdId].filter((h): h is string => !!h);
    await recomputeRollups(m, cmd.tenantId, { contactIds: [survivor.id, duplicate.id], householdIds: households });

    const changed: UpdatedField[] = [...filled, ...(takesHousehold ? (['householdId'] as const) : [])];
    await publishEvents(m, registry, cmd.tenantId, [
      contactMerged(survivor.id, duplicate.id, now),
      ...(changed.length ? [contactUpdated(survivor.id, survivor.kind, changed, { ...pickFields(next, filled), householdId: survivorHousehold })] : []),
    ]);
    const audit = { survivorId: survivor.id, duplicateId: duplicate.id, moved, filledFields: changed };
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'contact.merged', entityType: 'Contact', entityId: survivor.id, after: audit });
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'contact.merged-into', entityType: 'Contact', entityId: duplicate.id, after: audit });
    return { survivorId: survivor.id, duplicateId: duplicate.id };
  });
}
