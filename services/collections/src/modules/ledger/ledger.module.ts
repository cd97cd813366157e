import { defineModule } from '@commonhold/kit';
import { CreateLedger1796495271200 } from './ledger.migration';

export const ledgerModule = defineModule({
  name: 'ledger',
  resolvers: {},
  migrations: [CreateLedger1796495271200],
});
