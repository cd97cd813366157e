import { composeModules, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition, type ServiceModule } from '@commonhold/kit';
import { corePermissions, coreResolvers } from './graphql/resolvers';
import { CreateFundraising1763800000100 } from './migrations/1763800000100-create-fundraising';
import { FundraisingDomain1763800000200 } from './migrations/1763800000200-fundraising-domain';
import { contactMatchingModule } from './modules/contact-matching/contact-matching.module';
import { contactsModule } from './modules/contacts/contacts.module';
import { dashboardModule } from './modules/dashboard/dashboard.module';
import { giftAidModule } from './modules/gift-aid/gift-aid.module';
import { giftsModule } from './modules/gifts/gifts.module';
import { grantGiftsModule } from './modules/grant-gifts/grant-gifts.module';
import { importModule } from './modules/import/import.module';
import { intakeModule } from './modules/intake/intake.module';

/** Every module of the subgraph; their SDL files are `schemas/subgraphs/fundraising/*.graphql`. */
export const fundraisingModules: ServiceModule[] = [contactsModule, giftsModule, giftAidModule, intakeModule, importModule, dashboardModule, contactMatchingModule, grantGiftsModule];

export const fundraisingService: ServiceDefinition = {
  name: 'fundraising',
  typeDefs: loadSubgraphSdl('fundraising'),
  ...composeModules(fundraisingModules, {
    resolvers: [coreResolvers],
    permissions: corePermissions,
    migrations: [KitTables1763800000000, CreateFundraising1763800000100, FundraisingDomain1763800000200],
  }),
};
