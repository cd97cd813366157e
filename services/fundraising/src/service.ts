import { KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { coreResolvers } from './graphql/resolvers';
import { CreateFundraising1763800000100 } from './migrations/1763800000100-create-fundraising';
import { FundraisingDomain1763800000200 } from './migrations/1763800000200-fundraising-domain';
import { contactsModule } from './modules/contacts';
import { dashboardModule } from './modules/dashboard';
import { giftAidModule } from './modules/gift-aid';
import { giftsModule } from './modules/gifts';
import { importModule } from './modules/import';
import { intakeModule } from './modules/intake';
import { mergeResolvers, type FundraisingModule } from './modules/module';

/** Every module of the subgraph; their SDL files are `schemas/subgraphs/fundraising/*.graphql`. */
export const fundraisingModules: FundraisingModule[] = [contactsModule, giftsModule, giftAidModule, intakeModule, importModule, dashboardModule];

export const fundraisingService: ServiceDefinition = {
  name: 'fundraising',
  typeDefs: loadSubgraphSdl('fundraising'),
  resolvers: mergeResolvers([coreResolvers, ...fundraisingModules.map((m) => m.resolvers)]),
  entities: fundraisingModules.flatMap((m) => m.entities ?? []),
  migrations: [KitTables1763800000000, CreateFundraising1763800000100, FundraisingDomain1763800000200, ...fundraisingModules.flatMap((m) => m.migrations ?? [])],
  consumers: (rt) => fundraisingModules.flatMap((m) => m.consumers?.(rt) ?? []),
  routes: (app, rt) => {
    for (const m of fundraisingModules) m.routes?.(app, rt);
  },
};
