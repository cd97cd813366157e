import type { ConsumerDefinition, EventHandlerArgs, EventPayloads } from '@commonhold/kit';
import { deleteBuilding, upsertBuilding } from './directory.store';

type P = EventPayloads;

const building = ({ event, m }: EventHandlerArgs<P['commonhold.collections.building.created.v1']>) =>
  upsertBuilding(m, event.tenantId, { id: event.data.buildingId, name: event.data.name, currency: event.data.currency });

/**
 * Keeps vendors' buildings from collections' events (full state: created/updated are upserts;
 * the kit's inbox makes a redelivery change nothing).
 */
export const buildingsProjectionConsumer: ConsumerDefinition = {
  group: 'vendors.directory',
  topics: ['collections.building'],
  handlers: {
    'commonhold.collections.building.created.v1': building,
    'commonhold.collections.building.updated.v1': building,
    'commonhold.collections.building.deleted.v1': ({ event, m }: EventHandlerArgs<P['commonhold.collections.building.deleted.v1']>) => deleteBuilding(m, event.tenantId, event.data.buildingId),
  },
};
