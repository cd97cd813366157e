import { composeModules, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { CreateIdentity1796495281072 } from './migrations/1796495281072-create-identity';
import { AddTotp1796600000000 } from './migrations/1796600000000-add-totp';
import { mfaModule } from './modules/mfa/mfa.module';
import { accountsModule } from './modules/accounts/accounts.module';
import { publicLinksModule } from './modules/public-links/public-links.module';
import { serviceAccountsModule } from './modules/service-accounts/service-accounts.module';
import { sessionsModule } from './modules/sessions/sessions.module';
import { signingKeysModule } from './modules/signing-keys/signing-keys.module';

/** The identity subgraph: tenants, users and memberships, sessions, signing keys, public links. */
export const identityService: ServiceDefinition = {
  name: 'identity',
  typeDefs: loadSubgraphSdl('identity'),
  ...composeModules([signingKeysModule, accountsModule, sessionsModule, publicLinksModule, serviceAccountsModule, mfaModule], {
    resolvers: [{ DateTime: DateTimeScalar }],
    migrations: [KitTables1763800000000, CreateIdentity1796495281072, AddTotp1796600000000],
  }),
};
