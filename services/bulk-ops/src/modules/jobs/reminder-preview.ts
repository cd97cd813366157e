import type { ApartmentFact, BuildingFact, BuildingImpact, Preview, PreviewItem, ValidationIssue } from './preview';
import { hashPreview } from './preview';
import { selectApartments, type Scope } from './scope';

/**
 * The dry run of a REMINDER job, as pure data: which apartments of the scope are reminded, on which
 * channel, of which owner (collections' contact summary as bulk-ops last heard it), with each item's
 * balance. Contact problems (no owner, no consent to the preferred channel, no address) are shown per
 * item but do not block execution: collections decides at send time and answers such an item failed
 * with the same code, so the office fixes the owner's record and retries only those. Scope problems
 * (no apartment, unknown apartments in the list) block.
 */

export interface ReminderApartmentFact extends ApartmentFact {
  floor: number | null;
  owner: {
    partyId: string;
    preferredChannel: 'email' | 'sms' | 'letter';
    consent: Record<'email' | 'sms' | 'letter', boolean>;
    reachable: Record<'email' | 'sms' | 'letter', boolean>;
  } | null;
}

const byBuildingThenUnit = (a: ReminderApartmentFact, b: ReminderApartmentFact) =>
  (a.buildingId < b.buildingId ? -1 : a.buildingId > b.buildingId ? 1 : 0) ||
  a.unit.localeCompare(b.unit, 'en', { numeric: true }) ||
  (a.apartmentId < b.apartmentId ? -1 : a.apartmentId > b.apartmentId ? 1 : 0);

/** The same rule collections applies when it sends (services/collections/src/modules/bulk-commands/reminder.ts). */
export function predictContact(owner: ReminderApartmentFact['owner']): { channel: string | null; errors: ValidationIssue[] } {
  if (!owner) return { channel: null, errors: [{ field: 'owner', code: 'NO_OWNER', message: 'The apartment has no owner on record', blocking: false }] };
  const channel = owner.preferredChannel;
  if (!owner.consent[channel]) {
    return { channel, errors: [{ field: `owner.consent.${channel}`, code: 'NO_CONSENT', message: `The owner has not consented to ${channel} messages (their preferred channel)`, blocking: false }] };
  }
  if (!owner.reachable[channel]) {
    const detail = channel === 'email' ? 'email' : channel === 'sms' ? 'phone' : 'postalAddress';
    return { channel, errors: [{ field: `owner.${detail}`, code: 'NO_ADDRESS', message: `The owner has no ${detail} for their preferred channel ${channel}`, blocking: false }] };
  }
  return { channel, errors: [] };
}

/** Computes the preview of reminding the scope's apartments. `buildings`: the scope's buildings bulk-ops knows. */
export function previewReminder(params: unknown, scope: Scope, buildings: readonly BuildingFact[], apartments: readonly ReminderApartmentFact[]): Preview {
  const currency = new Map(buildings.map((b) => [b.buildingId, b.currency]));
  const jobErrors: ValidationIssue[] = [];
  scope.buildingIds.forEach((id, i) => {
    if (!currency.has(id)) jobErrors.push({ field: `scope.buildingIds.${i}`, code: 'UNKNOWN_BUILDING', message: 'The building is unknown or deleted' });
  });
  // Apartments of a building bulk-ops no longer knows (deleted, or outside the caller's scope) are left out.
  const { selected, errors } = selectApartments(scope, apartments.filter((a) => currency.has(a.buildingId)), (b) => currency.get(b));
  jobErrors.push(...errors);
  if (!selected.length) jobErrors.push({ field: 'scope', code: 'NO_APARTMENTS', message: 'No apartment matches the scope' });

  const items: PreviewItem[] = [...selected].sort(byBuildingThenUnit).map((a, i) => {
    const { channel, errors: contact } = predictContact(a.owner);
    return {
      seq: i + 1,
      apartmentId: a.apartmentId,
      buildingId: a.buildingId,
      unit: a.unit,
      weight: null,
      balanceBeforeMinor: a.balanceMinor,
      chargeMinor: 0,
      balanceAfterMinor: a.balanceMinor,
      currency: currency.get(a.buildingId) ?? 'XXX',
      validationErrors: contact,
      channel,
      partyId: a.owner?.partyId ?? null,
    };
  });
  const estimatedImpact: BuildingImpact[] = scope.buildingIds
    .filter((b) => currency.has(b))
    .map((b) => {
      const of = items.filter((i) => i.buildingId === b);
      const balance = of.reduce((s, i) => s + i.balanceBeforeMinor, 0);
      const valid = of.filter((i) => !i.validationErrors.length).length;
      return { buildingId: b, items: of.length, validItems: valid, invalidItems: of.length - valid, currency: currency.get(b)!, chargeTotalMinor: 0, balanceBeforeTotalMinor: balance, balanceAfterTotalMinor: balance };
    });
  const previewHash = hashPreview({ action: 'reminder', params, buildings, jobErrors }, items);
  return { items, estimatedImpact, jobErrors, previewHash };
}
