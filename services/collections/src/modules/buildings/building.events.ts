import { newEvent } from '@commonhold/kit/domain';
import type { ApartmentRow, BuildingRow, ReminderContact } from './building.store';

/** The events buildings and apartments publish (full state, so projections need no other read). */

const buildingData = (b: Pick<BuildingRow, 'id' | 'name' | 'line1' | 'line2' | 'city' | 'postcode' | 'country' | 'currency'>) => ({
  buildingId: b.id,
  name: b.name,
  address: { line1: b.line1, line2: b.line2, city: b.city, postcode: b.postcode, country: b.country },
  currency: b.currency,
});

const apartmentData = (a: ApartmentRow) => ({
  apartmentId: a.id,
  buildingId: a.buildingId,
  unit: a.unit,
  floor: a.floor,
  ownershipShare: a.ownershipShare,
  heatingShare: a.heatingShare,
  otherShare: a.otherShare,
  paymentReference: a.paymentReference,
});

export const buildingCreated = (b: BuildingRow) => newEvent('commonhold.collections.building.created.v1', b.id, buildingData(b));
export const buildingUpdated = (b: BuildingRow) => newEvent('commonhold.collections.building.updated.v1', b.id, buildingData(b));
export const buildingDeleted = (id: string) => newEvent('commonhold.collections.building.deleted.v1', id, { buildingId: id });
export const apartmentCreated = (a: ApartmentRow) => newEvent('commonhold.collections.apartment.created.v1', a.id, apartmentData(a), a.buildingId);
export const apartmentUpdated = (a: ApartmentRow) => newEvent('commonhold.collections.apartment.updated.v1', a.id, apartmentData(a), a.buildingId);
export const apartmentDeleted = (a: ApartmentRow) =>
  newEvent('commonhold.collections.apartment.deleted.v1', a.id, { apartmentId: a.id, buildingId: a.buildingId }, a.buildingId);
/** Who a reminder to the apartment would reach now (no personal data: channel, consent, details present). */
export const apartmentContactChanged = (apartmentId: string, buildingId: string, owner: ReminderContact | null) =>
  newEvent('commonhold.collections.apartment-contact.changed.v1', apartmentId, { apartmentId, buildingId, owner }, buildingId);
