import { defineModule } from '@commonhold/kit';
import { CreateBuildings1796495271123 } from './buildings.migration';
import { buildingResolvers } from './building.resolvers';

export const buildingsModule = defineModule({
  name: 'buildings',
  resolvers: buildingResolvers,
  migrations: [CreateBuildings1796495271123],
});
