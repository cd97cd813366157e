import type { EntityManager } from 'typeorm';
import { badInput, idempotent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { recomputeRollups } from '../gifts';
import { contactUpdated } from './contact.events';
import { assertActive, lockContact, rowToFields } from './contact.store';
import { optionalText } from './address';
import { createHousehold, lockHousehold, lockHouseholds, refreshHouseholdNames, type HouseholdRow } from './household.store';

interface Cmd<I> {
  tenantId: string;
  actor: string;
  input: I & { idempotencyKey: string };
}

/**
 * Moves a person into a household (a new one when `householdId` is absent). Both households are
 * renamed, and the giving rollups of the person and of both households are recomputed.
 */
export async function addContactToHousehold(
  m: EntityManager,
  registry: EventRegistry,
  cmd: Cmd<{ contactId: string; householdId?: string | null }>,
): Promise<{ contactId: string; householdId: string }> {
  return idempotent(m, cmd.tenantId, 'addContactToHousehold', cmd.input, async () => {
    const row = await lockContact(m, 'input.contactId', cmd.input.contactId);
    assertActive(row, 'input.contactId');
    if (row.kind !== 'PERSON') throw badInput('input.contactId', 'an organisation cannot belong to a household');
    const oldId = row.householdId;
    let newId: string;
    if (cmd.input.householdId != null) {
      newId = (await lockHousehold(m, 'input.householdId', cmd.input.householdId, { lock: false })).id;
      if (newId === oldId) return { contactId: row.id, householdId: newId };
      await lockHouseholds(m, [oldId, newId]);
    } else {
      newId = await createHousehold(m, cmd.tenantId, rowToFields(row));
      await lockHouseholds(m, [oldId]);
    }
    await m.query(`UPDATE contacts SET household_id = $2, updated_at = now() WHERE id = $1`, [row.id, newId]);
    await refreshHouseholdNames(m, newId);
    await refreshHouseholdNames(m, oldId);
    await recomputeRollups(m, cmd.tenantId, { contactIds: [row.id], householdIds: oldId ? [oldId] : [] });
    await publishEvents(m, registry, cmd.tenantId, [contactUpdated(row.id, row.kind, ['householdId'], { householdId: newId })]);
    await writeAudit(m, {
      tenantId: cmd.tenantId,
      actor: cmd.actor,
      action: 'contact.household-changed',
      entityType: 'Contact',
      entityId: row.id,
      before: { householdId: oldId },
      after: { householdId: newId },
    });
    return { contactId: row.id, householdId: newId };
  });
}

const NAME_FIELDS = [
  ['name', 'name'],
  ['formalGreeting', 'formal_greeting'],
  ['informalGreeting', 'informal_greeting'],
] as const;

/**
 * Sets a household's name and/or greetings by hand; from then on they no longer follow its
 * members (`name_overridden`) until `automaticNaming: true` hands them back to the naming rules.
 */
export async function updateHousehold(
  m: EntityManager,
  cmd: Cmd<{ householdId: string; name?: string | null; formalGreeting?: string | null; informalGreeting?: string | null; automaticNaming?: boolean | null }>,
): Promise<{ householdId: string }> {
  return idempotent(m, cmd.tenantId, 'updateHousehold', cmd.input, async () => {
    const given = NAME_FIELDS.filter(([f]) => cmd.input[f] != null);
    const values = given.map(([f]) => {
      const v = optionalText(`input.${f}`, cmd.input[f], 200);
      if (v === null) throw badInput(`input.${f}`, `${f} must not be blank`);
      return v;
    });
    if (cmd.input.automaticNaming != null && typeof cmd.input.automaticNaming !== 'boolean') throw badInput('input.automaticNaming', 'automaticNaming must be true or false');
    const automatic = cmd.input.automaticNaming === true;
    if (automatic && given.length) throw badInput('input.automaticNaming', 'automaticNaming cannot be combined with a name or greeting');
    if (!automatic && !given.length) throw badInput('input.name', 'give a name, formalGreeting or informalGreeting (or automaticNaming: true)');
    const before: HouseholdRow = await lockHousehold(m, 'input.householdId', cmd.input.householdId);
    if (automatic) {
      await m.query(`UPDATE households SET name_overridden = false, updated_at = now() WHERE id = $1`, [before.id]);
      await refreshHouseholdNames(m, before.id);
    } else {
      const sets = given.map(([, col], i) => `${col} = $${i + 2}`).join(', ');
      await m.query(`UPDATE households SET ${sets}, name_overridden = true, updated_at = now() WHERE id = $1`, [before.id, ...values]);
    }
    const [after]: HouseholdRow[] = await m.query(`SELECT * FROM households WHERE id = $1`, [before.id]);
    const names = (h: HouseholdRow) => ({ name: h.name, formalGreeting: h.formal_greeting, informalGreeting: h.informal_greeting, automaticNaming: !h.name_overridden });
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'household.updated', entityType: 'Household', entityId: before.id, before: names(before), after: names(after!) });
    return { householdId: before.id };
  });
}
