import { defineModule } from '@commonhold/kit';
import { CreateBuildings1796495271123 } from './buildings.migration';
import { buildingResolvers } from './building.resolvers';

export const buildingsModule = defineModule({
  name: 'buildings',
  scopedCallers: 'fenced',
  permissions: {
    Query: { building: 'collections:read', buildings: 'collections:read', apartment: 'collections:read', apartments: 'collections:read' },
    Mutation: {
      // A new building is outside every building scope.
      createBuilding: { rule: 'buildings:write', scopedCallers: 'refused' },
      updateBuilding: 'buildings:write',
      deleteBuilding: 'buildings:write',
      createApartment: 'buildings:write',
      updateApartment: 'buildings:write',
      deleteApartment: 'buildings:write',
      setBuildingShares: 'buildings:write',
      addApartmentParty: 'buildings:write',
      updateApartmentParty: 'buildings:write',
      eraseApartmentParty: 'owners:erase',
    },
    entities: { Building: 'collections:read', Apartment: 'collections:read' },
  },
  resolvers: buildingResolvers,
  migrations: [CreateBuildings1796495271123],
});
