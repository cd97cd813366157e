import { defineModule } from '@commonhold/kit';
import { CreateDunning1796495271300 } from './dunning.migration';
import { dunningResolvers } from './dunning.resolvers';

export const dunningModule = defineModule({
  name: 'dunning',
  scopedCallers: 'fenced',
  permissions: {
    Query: { dunningPolicy: 'collections:read', dunningPolicyVersions: 'collections:read', dunningPreview: 'collections:read' },
    // The tenant-wide default policy additionally needs global scope (checked with the input).
    Mutation: { setDunningPolicy: 'dunning:configure', removeDunningPolicyOverride: 'dunning:configure' },
  },
  resolvers: dunningResolvers,
  migrations: [CreateDunning1796495271300],
});
