import { sqlMigration } from '@commonhold/kit';

/** One spelling, British like the rest of the domain: instalment. */
export const InstalmentSpelling1765000000100 = sqlMigration(
  'InstalmentSpelling1765000000100',
  [`ALTER TABLE recurring_agreements RENAME COLUMN installments_total TO instalments_total`],
  [`ALTER TABLE recurring_agreements RENAME COLUMN instalments_total TO installments_total`],
);
