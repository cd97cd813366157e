import { KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { ContactEntity } from './entities/contact.entity';
import { GiftEntity } from './entities/gift.entity';
import { GivingRollupEntity } from './entities/giving-rollup.entity';
import { givingRollupConsumer } from './events/gift-recorded.consumer';
import { resolvers } from './graphql/resolvers';
import { CreateFundraising1763800000100 } from './migrations/1763800000100-create-fundraising';

export const fundraisingService: ServiceDefinition = {
  name: 'fundraising',
  typeDefs: loadSubgraphSdl('fundraising'),
  resolvers,
  entities: [ContactEntity, GiftEntity, GivingRollupEntity],
  migrations: [KitTables1763800000000, CreateFundraising1763800000100],
  consumers: () => [givingRollupConsumer],
};
