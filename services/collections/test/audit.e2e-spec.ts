// Every financial side effect of collections leaves an audit event with a trace id, and the
// service's audit checker proves it: a whole flow (charges, payments, adjustment, reversal, bank
// import and the office's resolution, a promise kept through the ledger consumer) shows no gap; an
// audit row removed behind the application's back shows up under its check, and so does a bank line
// that no longer reconciles with its ledger payment.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { AuditReport } from '@commonhold/kit';
import { adminUrl, eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { givenBuilding, key, ok } from './support/collections';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
}, 120_000);
afterAll(async () => platform?.stop());

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const gapsOf = (report: AuditReport, tenant: string) => report.gaps.filter((g) => g.tenantId === tenant).map((g) => ({ check: g.check, entityIds: g.entityIds }));
const withDatabase = (url: string, db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();

it('finds every financial side effect audited and the bank reconciled, and reports a removed audit row and a line that no longer reconciles', async () => {
  const tenant = `audit-${randomUUID()}`;
  const as = platform.as(tenant);
  const { apartments } = await givenBuilding(as, 2);
  const [a1, a2] = apartments;
  const charge = ok(
    await as<any>(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
      input: { apartmentId: a1!.id, type: 'COMMON_EXPENSE', amount: gbp(20_000), bookedOn: day(-10), dueOn: day(-10), idempotencyKey: key() },
    }),
  ).postCharge.entry.id;
  ok(await as(`mutation($input: PostAdjustmentInput!) { postAdjustment(input: $input) { entry { id } } }`, { input: { apartmentId: a1!.id, direction: 'CREDIT', amount: gbp(500), reason: 'goodwill', idempotencyKey: key() } }));
  const wrong = ok(await as<any>(`mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { entry { id } } }`, { input: { apartmentId: a1!.id, amount: gbp(1_000), idempotencyKey: key() } })).recordPayment.entry.id;
  ok(await as(`mutation($input: ReverseLedgerEntryInput!) { reverseLedgerEntry(input: $input) { entry { id } } }`, { input: { entryId: wrong, reason: 'wrong flat', idempotencyKey: key() } }));
  const promise = ok(
    await as<any>(`mutation($input: MakePromiseToPayInput!) { makePromiseToPay(input: $input) { promise { id } } }`, { input: { apartmentId: a1!.id, instalments: [{ dueOn: day(5), amount: gbp(19_500) }], idempotencyKey: key() } }),
  ).makePromiseToPay.promise.id;
  const st = ok(
    await as<any>(`mutation($input: ImportBankStatementInput!) { importBankStatement(input: $input) { statement { lines(first: 5) { edges { node { id status } } } } } }`, {
      input: { content: `date,amount,reference\n${day(0)},195.00,${a1!.paymentReference}\n${day(0)},7.00,no idea\n`, idempotencyKey: key() },
    }),
  ).importBankStatement.statement.lines.edges.map((e: any) => e.node);
  const unmatched = st.find((l: any) => l.status === 'UNMATCHED');
  ok(await as(`mutation($input: ResolveBankLineInput!) { resolveBankLine(input: $input) { line { id } } }`, { input: { lineId: unmatched.id, apartmentId: a2!.id, idempotencyKey: key() } }));
  await eventually(async () => (ok(await as<any>(`query($id: ID!) { promiseToPay(id: $id) { status } }`, { id: promise })).promiseToPay.status === 'KEPT' ? true : null));

  const checker = platform.services.collections!.auditChecker;
  expect(gapsOf(await checker.run(), tenant)).toEqual([]);

  // Remove one audit row as a database superuser would (triggers off).
  const su = new Client({ connectionString: withDatabase(adminUrl(), `${platform.prefix}collections`) });
  await su.connect();
  try {
    await su.query(`SET session_replication_role = replica`);
    await su.query(`DELETE FROM audit_events WHERE entity_type = 'ledger-entry' AND entity_id = $1`, [charge]);
    await su.query(`UPDATE audit_events SET trace_id = NULL WHERE entity_type = 'promise-to-pay' AND entity_id = $1 AND action = 'promise-to-pay.kept'`, [promise]);
    // And break the bank's reconciliation: the resolved line's amount no longer matches its payment.
    await su.query(`UPDATE bank_lines SET amount_minor = amount_minor + 1 WHERE id = $1`, [unmatched.id]);
  } finally {
    await su.end();
  }
  expect(gapsOf(await checker.run(), tenant)).toEqual([
    { check: 'ledger_entry_posted', entityIds: [charge] },
    { check: 'reconciliation_bank_line', entityIds: [unmatched.id] },
    { check: 'promise_resolved', entityIds: [promise] },
  ]);
});
