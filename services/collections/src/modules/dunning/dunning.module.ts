import { defineModule } from '@commonhold/kit';
import { CreateDunning1796495271300 } from './dunning.migration';
import { dunningResolvers } from './dunning.resolvers';

export const dunningModule = defineModule({
  name: 'dunning',
  resolvers: dunningResolvers,
  migrations: [CreateDunning1796495271300],
});
