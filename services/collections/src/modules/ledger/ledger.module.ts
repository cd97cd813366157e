import { defineModule } from '@commonhold/kit';
import { CreateLedger1796495271200 } from './ledger.migration';
import { ledgerResolvers } from './ledger.resolvers';

export const ledgerModule = defineModule({
  name: 'ledger',
  resolvers: ledgerResolvers,
  migrations: [CreateLedger1796495271200],
});
