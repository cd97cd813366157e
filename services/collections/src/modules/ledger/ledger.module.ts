import { defineModule } from '@commonhold/kit';
import { CreateLedger1796495271200 } from './ledger.migration';
import { ledgerResolvers } from './ledger.resolvers';
import { CreateApartmentPositions1796495271800 } from './positions.migration';
import { PositionsByApartmentIndex1796495272000 } from './positions-index.migration';

const audited = (entityType: string, action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = '${entityType}' AND a.entity_id = x.id::text AND a.action = ${action} AND a.trace_id IS NOT NULL)`;

export const ledgerModule = defineModule({
  name: 'ledger',
  scopedCallers: 'fenced',
  permissions: {
    Query: { ledgerEntry: 'collections:read', apartmentStatement: 'collections:read', debtReport: 'collections:read', bankStatement: 'bank-statements:read', bankStatementLines: 'bank-statements:read' },
    Mutation: {
      postCharge: 'ledger:write',
      recordPayment: 'ledger:write',
      postAdjustment: 'ledger:write',
      reverseLedgerEntry: 'ledger:write',
      // A bank statement spans every building: the tenant's office imports and resolves it.
      importBankStatement: { rule: 'ledger:write', scopedCallers: 'refused' },
      resolveBankLine: { rule: 'ledger:write', scopedCallers: 'refused' },
    },
  },
  resolvers: ledgerResolvers,
  migrations: [CreateLedger1796495271200, CreateApartmentPositions1796495271800, PositionsByApartmentIndex1796495272000],
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
    // Reconciliation of the bank against the ledger: every line posted (matched or resolved) has its
    // payment, for the same apartment and amount, and every bank-file payment has its line.
    {
      name: 'reconciliation_bank_line',
      description: 'A matched or resolved bank line whose ledger payment is missing or differs in apartment, amount or currency',
      sql: `SELECT x.id::text AS entity_id FROM bank_lines x LEFT JOIN ledger_entries e ON e.id = x.entry_id
            WHERE x.status IN ('matched', 'resolved')
              AND (e.id IS NULL OR e.kind <> 'payment' OR e.apartment_id IS DISTINCT FROM x.apartment_id OR e.amount_minor <> -x.amount_minor OR e.currency <> x.currency)
            ORDER BY x.created_at`,
    },
    {
      name: 'reconciliation_bank_payment',
      description: 'A bank-file payment in the ledger that no posted bank line accounts for',
      sql: `SELECT e.id::text AS entity_id FROM ledger_entries e
            WHERE e.kind = 'payment' AND e.subtype = 'bank_file'
              AND NOT EXISTS (SELECT 1 FROM bank_lines x WHERE x.entry_id = e.id AND x.status IN ('matched', 'resolved'))
            ORDER BY e.seq`,
    },
  ],
});
