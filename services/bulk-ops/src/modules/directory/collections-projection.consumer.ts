import type { BatchEventHandlerArgs, ConsumerDefinition, EventHandlerArgs, EventPayloads } from '@commonhold/kit';
import { addToBalance, addToBalances, deleteApartment, deleteBuilding, upsertApartment, upsertBuilding, upsertContact } from './directory.store';

type P = EventPayloads;
type Posted = P['commonhold.collections.ledger-entry.posted.v1'];
const entry = (d: Posted) => ({ apartmentId: d.apartmentId, buildingId: d.buildingId, currency: d.amount.currency, amountMinor: d.amount.amountMinor });

const building = ({ event, m }: EventHandlerArgs<P['commonhold.collections.building.created.v1']>) =>
  upsertBuilding(m, event.tenantId, { id: event.data.buildingId, name: event.data.name, currency: event.data.currency });
const apartment = ({ event, m }: EventHandlerArgs<P['commonhold.collections.apartment.created.v1']>) =>
  upsertApartment(m, event.tenantId, { id: event.data.apartmentId, buildingId: event.data.buildingId, unit: event.data.unit, floor: event.data.floor, ownershipShare: event.data.ownershipShare });

/**
 * Keeps bulk-ops' directory from collections' events: buildings, apartments with their floors and
 * shares, who a reminder would reach, and balances. Events carry full state, so a created/updated event is an upsert; the kit's inbox makes
 * a redelivered ledger entry add nothing twice. Ledger entries are projected in batches.
 */
export const collectionsProjectionConsumer: ConsumerDefinition = {
  group: 'bulk-ops.projections',
  topics: ['collections.building', 'collections.apartment', 'collections.apartment-contact', 'collections.ledger-entry'],
  handlers: {
    'commonhold.collections.building.created.v1': building,
    'commonhold.collections.building.updated.v1': building,
    'commonhold.collections.building.deleted.v1': ({ event, m }: EventHandlerArgs<P['commonhold.collections.building.deleted.v1']>) => deleteBuilding(m, event.tenantId, event.data.buildingId),
    'commonhold.collections.apartment.created.v1': apartment,
    'commonhold.collections.apartment.updated.v1': apartment,
    'commonhold.collections.apartment.deleted.v1': ({ event, m }: EventHandlerArgs<P['commonhold.collections.apartment.deleted.v1']>) => deleteApartment(m, event.tenantId, event.data.apartmentId),
    'commonhold.collections.apartment-contact.changed.v1': ({ event, m }: EventHandlerArgs<P['commonhold.collections.apartment-contact.changed.v1']>) =>
      upsertContact(m, event.tenantId, { apartmentId: event.data.apartmentId, buildingId: event.data.buildingId, owner: event.data.owner }),
    'commonhold.collections.ledger-entry.posted.v1': ({ event, m }: EventHandlerArgs<Posted>) => addToBalance(m, event.tenantId, entry(event.data)),
  },
  // A bulk job posts thousands of entries at once: a run of them is one transaction and one upsert.
  batchHandlers: {
    'commonhold.collections.ledger-entry.posted.v1': ({ events, m }: BatchEventHandlerArgs<Posted>) => addToBalances(m, events[0]!.tenantId, events.map((e) => entry(e.data))),
  },
};
