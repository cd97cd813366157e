import type { ConsumerDefinition, EventHandlerArgs, EventPayloads } from '@commonhold/kit';
import { deleteApartment, deleteBuilding, upsertApartment, upsertBuilding } from './directory.store';

type P = EventPayloads;

const building = ({ event, m }: EventHandlerArgs<P['commonhold.collections.building.created.v1']>) =>
  upsertBuilding(m, event.tenantId, { id: event.data.buildingId, name: event.data.name, currency: event.data.currency });
const apartment = ({ event, m }: EventHandlerArgs<P['commonhold.collections.apartment.created.v1']>) =>
  upsertApartment(m, event.tenantId, { id: event.data.apartmentId, buildingId: event.data.buildingId, unit: event.data.unit, ownershipShare: event.data.ownershipShare });

/**
 * Keeps voting's directory from collections' events. The events carry the full state, so created and
 * updated are upserts and a redelivery changes nothing; a deletion is kept as a mark so a late
 * update of a deleted row cannot bring it back unnoticed.
 */
export const collectionsDirectoryConsumer: ConsumerDefinition = {
  group: 'voting.directory',
  topics: ['collections.building', 'collections.apartment'],
  handlers: {
    'commonhold.collections.building.created.v1': building,
    'commonhold.collections.building.updated.v1': building,
    'commonhold.collections.building.deleted.v1': ({ event, m }: EventHandlerArgs<P['commonhold.collections.building.deleted.v1']>) => deleteBuilding(m, event.tenantId, event.data.buildingId),
    'commonhold.collections.apartment.created.v1': apartment,
    'commonhold.collections.apartment.updated.v1': apartment,
    'commonhold.collections.apartment.deleted.v1': ({ event, m }: EventHandlerArgs<P['commonhold.collections.apartment.deleted.v1']>) => deleteApartment(m, event.tenantId, event.data.apartmentId),
  },
};
