// What other modules may import from ledger.
export { ledgerModule } from './ledger.module';
