import { defineModule } from '@commonhold/kit';
import { CreateLedger1796495271200 } from './ledger.migration';
import { ledgerResolvers } from './ledger.resolvers';

const audited = (entityType: string, action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = '${entityType}' AND a.entity_id = x.id::text AND a.action = ${action} AND a.trace_id IS NOT NULL)`;

export const ledgerModule = defineModule({
  name: 'ledger',
  resolvers: ledgerResolvers,
  migrations: [CreateLedger1796495271200],
  auditChecks: [
    {
      name: 'ledger_entry_posted',
      description: 'A ledger entry (charge, payment, adjustment or reversal) without its ledger.<kind>.posted audit event',
      sql: `SELECT x.id::text AS entity_id FROM ledger_entries x WHERE NOT ${audited('ledger-entry', `'ledger.' || x.kind || '.posted'`)} ORDER BY x.seq`,
    },
    {
      name: 'bank_statement_imported',
      description: 'An imported bank statement without its bank-statement.imported audit event',
      sql: `SELECT x.id::text AS entity_id FROM bank_statements x WHERE NOT ${audited('bank-statement', `'bank-statement.imported'`)} ORDER BY x.created_at`,
    },
    {
      name: 'bank_line_resolved',
      description: 'A bank statement line the office resolved or set aside without its bank-line.resolved / bank-line.ignored audit event',
      sql: `SELECT x.id::text AS entity_id FROM bank_lines x WHERE x.resolved_at IS NOT NULL AND NOT ${audited('bank-line', `'bank-line.' || x.status`)} ORDER BY x.resolved_at`,
    },
  ],
});
