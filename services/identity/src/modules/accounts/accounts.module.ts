import { defineModule } from '@commonhold/kit';
import { accountResolvers } from './account.resolvers';

export const accountsModule = defineModule({ name: 'accounts', resolvers: accountResolvers });
