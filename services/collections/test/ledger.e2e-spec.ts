// The receivables ledger through the gateway on real PostgreSQL: charges, payments allocated oldest
// first, adjustments, reversals, the database refusing edits, balances and aging, statements, the
// debt report, bank statement import with the office's queue, audit with trace ids, and tenants.
import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { position, type LedgerEntry } from '../src/modules/ledger';
import { agingRows, staleApartments } from '../src/modules/ledger';
import { camt053 } from './fixtures/camt053';
import { errorOf, givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
}, 120_000);
afterAll(async () => platform?.stop());

const tenant = () => `acme-${randomUUID()}`;
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const ENTRY = `entry { id kind subtype amount { amountMinor currency } bookedOn dueOn reverses { id } }
  allocations { charge { id } amount { amountMinor } }
  balance { balance { amountMinor } aging { notDue { amountMinor } d0_30 { amountMinor } overdue { amountMinor } } unappliedCredit { amountMinor } bucket }`;
const CHARGE = `mutation($input: PostChargeInput!) { postCharge(input: $input) { ${ENTRY} } }`;
const PAY = `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { ${ENTRY} } }`;
const ADJUST = `mutation($input: PostAdjustmentInput!) { postAdjustment(input: $input) { ${ENTRY} } }`;
const REVERSE = `mutation($input: ReverseLedgerEntryInput!) { reverseLedgerEntry(input: $input) { ${ENTRY} } }`;
const BALANCE = `query($id: ID!, $asOf: Date) { apartment(id: $id) { balance(asOf: $asOf) { balance { amountMinor } bucket oldestDaysPastDue unappliedCredit { amountMinor }
  aging { notDue { amountMinor } d0_30 { amountMinor } d31_60 { amountMinor } d61_90 { amountMinor } d90Plus { amountMinor } overdue { amountMinor } } } } }`;

const charge = (call: Caller, apartmentId: string, amountMinor: number, dueOn: string, extra: Record<string, unknown> = {}) =>
  call<any>(CHARGE, { input: { apartmentId, type: 'COMMON_EXPENSE', amount: gbp(amountMinor), bookedOn: dueOn, dueOn, idempotencyKey: key(), ...extra } });
const pay = (call: Caller, apartmentId: string, amountMinor: number, bookedOn: string) =>
  call<any>(PAY, { input: { apartmentId, amount: gbp(amountMinor), bookedOn, idempotencyKey: key() } });

/** Runs SQL as the service's app role inside a tenant transaction of global scope (RLS applies). */
const asTenant = <T>(tenantId: string, fn: (q: (sql: string, p?: unknown[]) => Promise<any>) => Promise<T>) =>
  withTenant(platform.services.collections!.runtime.ds, tenantId, (m) => fn((sql, p) => m.query(sql, p)));

describe('charges, payments and allocation', () => {
  it('allocates a payment to the oldest open charge first and ages the rest', async () => {
    const acme = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 1);
    const apt = apartments[0]!.id;
    const feb = ok(await charge(acme, apt, 10_000, '2026-02-01')).postCharge.entry;
    const jan = ok(await charge(acme, apt, 8_000, '2026-01-01')).postCharge.entry;
    const paid = ok(await pay(acme, apt, 12_000, '2026-02-10')).recordPayment;
    expect(paid.entry).toMatchObject({ kind: 'PAYMENT', subtype: 'manual', amount: { amountMinor: -12_000, currency: 'GBP' } });
    expect(paid.allocations).toEqual([
      { charge: { id: jan.id }, amount: { amountMinor: 8_000 } },
      { charge: { id: feb.id }, amount: { amountMinor: 4_000 } },
    ]);
    const b = ok(await acme<any>(BALANCE, { id: apt, asOf: '2026-03-15' })).apartment.balance;
    expect(b).toMatchObject({ balance: { amountMinor: 6_000 }, bucket: 'D31_60', oldestDaysPastDue: 42, aging: { d31_60: { amountMinor: 6_000 }, d0_30: { amountMinor: 0 }, overdue: { amountMinor: 6_000 } } });
  });

  it('is idempotent per key, refuses bad input naming the field, and writes nothing then', async () => {
    const acme = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 1);
    const apt = apartments[0]!.id;
    const input = { apartmentId: apt, type: 'ONE_OFF', amount: gbp(5_000), dueOn: '2026-01-10', bookedOn: '2026-01-01', idempotencyKey: key() };
    const first = ok(await acme<any>(CHARGE, { input })).postCharge.entry.id;
    expect(ok(await acme<any>(CHARGE, { input })).postCharge.entry.id).toBe(first);
    expect(errorOf(await acme(CHARGE, { input: { ...input, amount: gbp(5_001) } })).code).toBe('IDEMPOTENCY_CONFLICT');
    expect(errorOf(await acme(CHARGE, { input: { ...input, amount: { amountMinor: 100, currency: 'EUR' }, idempotencyKey: key() } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.currency' });
    expect(errorOf(await acme(CHARGE, { input: { ...input, amount: gbp(-1), idempotencyKey: key() } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.amountMinor' });
    expect(errorOf(await acme(CHARGE, { input: { ...input, dueOn: '2026-02-30', idempotencyKey: key() } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dueOn' });
    expect(errorOf(await acme(PAY, { input: { apartmentId: randomUUID(), amount: gbp(1), idempotencyKey: key() } }))).toMatchObject({ code: 'NOT_FOUND', field: 'input.apartmentId' });
    const provider = { apartmentId: apt, amount: gbp(700), method: 'PROVIDER', reference: 'pi_123', idempotencyKey: key() };
    const paid = ok(await acme<any>(PAY, { input: provider })).recordPayment.entry;
    expect(paid).toMatchObject({ subtype: 'provider', amount: { amountMinor: -700 } });
    expect(errorOf(await acme(PAY, { input: { ...provider, idempotencyKey: key() } }))).toMatchObject({ code: 'CONFLICT', field: 'input.reference' });
    expect(errorOf(await acme(PAY, { input: { ...provider, reference: null, idempotencyKey: key() } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reference' });
    const entries = ok(await acme<any>(`query($id: ID!) { apartment(id: $id) { ledgerEntries(first: 10) { edges { node { id } } } } }`, { id: apt })).apartment.ledgerEntries.edges;
    expect(entries).toEqual([{ node: { id: paid.id } }, { node: { id: first } }]);
  });

  it('writes an audit event carrying the caller’s trace id for every financial side effect', async () => {
    const id = tenant();
    const acme = platform.as(id);
    const { apartments } = await givenBuilding(acme, 1);
    const traceId = randomUUID().replace(/-/g, '');
    const traceparent = `00-${traceId}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`;
    const input = { apartmentId: apartments[0]!.id, type: 'LATE_FEE', amount: gbp(2_500), idempotencyKey: key() };
    const entry = ok(await platform.as(id)<any>(CHARGE, { input }, { traceparent })).postCharge.entry;
    const audit = ok(await acme<any>(`query($id: ID!) { collectionsAuditEvents(entityId: $id) { edges { node { action traceId after } } } }`, { id: entry.id })).collectionsAuditEvents.edges;
    expect(audit).toHaveLength(1);
    expect(audit[0].node).toMatchObject({ action: 'ledger.charge.posted', traceId });
    expect(JSON.parse(audit[0].node.after)).toMatchObject({ kind: 'charge', subtype: 'late_fee', amountMinor: 2_500, currency: 'GBP' });
  });
});

describe('append-only history', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of ledger entries in the database itself', async () => {
    const id = tenant();
    const acme = platform.as(id);
    const { apartments } = await givenBuilding(acme, 1);
    const entry = ok(await charge(acme, apartments[0]!.id, 1_000, '2026-01-01')).postCharge.entry;
    await expect(asTenant(id, (q) => q(`UPDATE ledger_entries SET amount_minor = 1 WHERE id = $1`, [entry.id]))).rejects.toThrow(/append-only/);
    await expect(asTenant(id, (q) => q(`DELETE FROM ledger_entries WHERE id = $1`, [entry.id]))).rejects.toThrow(/append-only/);
    await expect(asTenant(id, (q) => q(`TRUNCATE ledger_entries`))).rejects.toThrow(/append-only|permission denied/);
    const [row] = await asTenant(id, (q) => q(`SELECT amount_minor::int AS a FROM ledger_entries WHERE id = $1`, [entry.id]));
    expect(row).toEqual({ a: 1_000 });
  });

  it('corrects by adjustment and reversal: a reversed payment re-opens the charge; reversals are refused twice or of a reversal', async () => {
    const acme = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 1);
    const apt = apartments[0]!.id;
    ok(await charge(acme, apt, 10_000, '2026-01-01'));
    const p = ok(await pay(acme, apt, 10_000, '2026-01-05')).recordPayment.entry;
    const credit = ok(await acme<any>(ADJUST, { input: { apartmentId: apt, direction: 'CREDIT', amount: gbp(500), reason: 'goodwill', bookedOn: '2026-01-06', idempotencyKey: key() } }));
    expect(credit.postAdjustment.entry).toMatchObject({ kind: 'ADJUSTMENT', subtype: 'credit', amount: { amountMinor: -500 } });
    const rev = ok(await acme<any>(REVERSE, { input: { entryId: p.id, reason: 'bounced', bookedOn: '2026-01-20', idempotencyKey: key() } })).reverseLedgerEntry;
    expect(rev.entry).toMatchObject({ kind: 'REVERSAL', subtype: 'payment', amount: { amountMinor: 10_000 }, reverses: { id: p.id } });
    const b = ok(await acme<any>(BALANCE, { id: apt, asOf: '2026-01-25' })).apartment.balance;
    expect(b).toMatchObject({ balance: { amountMinor: 9_500 }, aging: { d0_30: { amountMinor: 9_500 } } });
    expect(errorOf(await acme(REVERSE, { input: { entryId: p.id, reason: 'again', idempotencyKey: key() } }))).toMatchObject({ code: 'CONFLICT', field: 'input.entryId' });
    expect(errorOf(await acme(REVERSE, { input: { entryId: rev.entry.id, reason: 'undo', idempotencyKey: key() } }))).toMatchObject({ code: 'CONFLICT', field: 'input.entryId' });
    const reversedBy = ok(await acme<any>(`query($id: ID!) { ledgerEntry(id: $id) { reversedBy { id } } }`, { id: p.id })).ledgerEntry.reversedBy;
    expect(reversedBy).toEqual({ id: rev.entry.id });
  });
});

describe('statements and the debt report', () => {
  it('gives a statement with opening, running and closing balances', async () => {
    const acme = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 1);
    const apt = apartments[0]!.id;
    ok(await charge(acme, apt, 10_000, '2026-01-01'));
    ok(await charge(acme, apt, 10_000, '2026-02-01'));
    ok(await pay(acme, apt, 4_000, '2026-02-03'));
    ok(await charge(acme, apt, 10_000, '2026-03-01'));
    const s = ok(
      await acme<any>(
        `query($id: ID!) { apartmentStatement(apartmentId: $id, from: "2026-02-01", to: "2026-02-28") { openingBalance { amountMinor } closingBalance { amountMinor }
          totalDebits { amountMinor } totalCredits { amountMinor } lines { entry { kind bookedOn } runningBalance { amountMinor } } aging { d0_30 { amountMinor } overdue { amountMinor } } } }`,
        { id: apt },
      ),
    ).apartmentStatement;
    expect(s).toEqual({
      openingBalance: { amountMinor: 10_000 },
      closingBalance: { amountMinor: 16_000 },
      totalDebits: { amountMinor: 10_000 },
      totalCredits: { amountMinor: 4_000 },
      lines: [
        { entry: { kind: 'CHARGE', bookedOn: '2026-02-01' }, runningBalance: { amountMinor: 20_000 } },
        { entry: { kind: 'PAYMENT', bookedOn: '2026-02-03' }, runningBalance: { amountMinor: 16_000 } },
      ],
      aging: { d0_30: { amountMinor: 10_000 }, overdue: { amountMinor: 16_000 } },
    });
    const bad = await acme(`query($id: ID!) { apartmentStatement(apartmentId: $id, from: "2026-03-01", to: "2026-02-01") { from } }`, { id: apt });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('reports every apartment of a building with buckets and totals as of a date', async () => {
    const acme = platform.as(tenant());
    const { building, apartments } = await givenBuilding(acme, 3);
    const [a1, a2, a3] = apartments.map((a) => a.id);
    ok(await acme(`mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`, { input: { apartmentId: a1, role: 'OWNER', name: 'Ada Owner', idempotencyKey: key() } }));
    ok(await charge(acme, a1!, 10_000, '2026-01-01'));
    ok(await charge(acme, a2!, 20_000, '2026-03-20'));
    ok(await charge(acme, a3!, 5_000, '2026-03-31'));
    ok(await pay(acme, a3!, 5_000, '2026-03-31'));
    const r = ok(
      await acme<any>(
        `query($id: ID!) { debtReport(buildingId: $id, asOf: "2026-04-01") { asOf currency totals { apartments apartmentsInArrears balance { amountMinor } aging { d0_30 { amountMinor } d61_90 { amountMinor } overdue { amountMinor } } }
          rows { unit ownershipShare owners balance { amountMinor } bucket oldestDaysPastDue } } }`,
        { id: building.id },
      ),
    ).debtReport;
    expect(r.totals).toEqual({ apartments: 3, apartmentsInArrears: 2, balance: { amountMinor: 30_000 }, aging: { d0_30: { amountMinor: 20_000 }, d61_90: { amountMinor: 10_000 }, overdue: { amountMinor: 30_000 } } });
    expect(r.rows).toEqual([
      { unit: '1', ownershipShare: 334, owners: ['Ada Owner'], balance: { amountMinor: 10_000 }, bucket: 'D61_90', oldestDaysPastDue: 90 },
      { unit: '2', ownershipShare: 333, owners: [], balance: { amountMinor: 20_000 }, bucket: 'D0_30', oldestDaysPastDue: 12 },
      { unit: '3', ownershipShare: 333, owners: [], balance: { amountMinor: 0 }, bucket: 'NOT_DUE', oldestDaysPastDue: 0 },
    ]);
  });

  it('computes the same buckets in SQL as the pure rule, over a random ledger', async () => {
    const id = tenant();
    const acme = platform.as(id);
    const { building, apartments } = await givenBuilding(acme, 6);
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const all: (LedgerEntry & { apartmentId: string })[] = [];
    await asTenant(id, async (q) => {
      for (let i = 0; i < 240; i++) {
        const apartmentId = apartments[rnd(apartments.length)]!.id;
        const mine = all.filter((e) => e.apartmentId === apartmentId && e.kind !== 'reversal' && !all.some((r) => r.reversesId === e.id));
        const roll = rnd(10);
        const booked = day(rnd(200));
        const entry =
          roll < 5
            ? { kind: 'charge', subtype: 'recurring', amountMinor: 1 + rnd(20_000), bookedOn: booked, dueOn: day(rnd(200)), reversesId: null }
            : roll < 8
              ? { kind: 'payment', subtype: 'manual', amountMinor: -(1 + rnd(25_000)), bookedOn: booked, dueOn: null, reversesId: null }
              : mine.length
                ? (() => {
                    const o = mine[rnd(mine.length)]!;
                    return { kind: 'reversal', subtype: o.kind, amountMinor: -o.amountMinor, bookedOn: o.bookedOn > booked ? o.bookedOn : booked, dueOn: o.dueOn, reversesId: o.id };
                  })()
                : { kind: 'adjustment', subtype: 'credit', amountMinor: -(1 + rnd(3_000)), bookedOn: booked, dueOn: null, reversesId: null };
        const eid = randomUUID();
        const [{ seq }] = await q(
          `INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, due_on, reverses_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'GBP', $8, $9, $10, 'test') RETURNING seq::int`,
          [eid, id, building.id, apartmentId, entry.kind, entry.subtype, entry.amountMinor, entry.bookedOn, entry.dueOn, entry.reversesId],
        );
        all.push({ id: eid, seq, apartmentId, ...(entry as Omit<LedgerEntry, 'id' | 'seq'>) });
      }
    });
    // Before the latest bookings an apartment's position is computed in full (AGING_SQL); after them it
    // is read from the positions the insert trigger maintained: both must agree with the pure rule.
    const stale = (asOf: string) => asTenant(id, (q) => staleApartments({ query: q } as never, id, asOf, { buildingId: building.id }));
    expect((await stale('2026-02-15')).length).toBeGreaterThan(0);
    expect(await stale('2026-09-30')).toEqual([]);
    for (const asOf of ['2026-02-15', '2026-05-01', '2026-09-30', '2027-03-31']) {
      const sql = await asTenant(id, (q) => agingRows({ query: q } as never, id, asOf, { buildingId: building.id }));
      // By apartment ids (the balance loader's way): positions for some, the full computation for others.
      const byIds = await asTenant(id, (q) => agingRows({ query: q } as never, id, asOf, { apartmentIds: apartments.map((a) => a.id) }));
      const key = (rows: typeof sql) => JSON.stringify([...rows].sort((x, y) => (x.apartmentId < y.apartmentId ? -1 : 1)));
      expect(key(byIds)).toEqual(key(sql));
      for (const a of apartments) {
        const pure = position(all.filter((e) => e.apartmentId === a.id), asOf);
        const row = sql.find((r) => r.apartmentId === a.id);
        const got = row ? { balance: row.balanceMinor, aging: { notDue: row.notDue, d0_30: row.d0_30, d31_60: row.d31_60, d61_90: row.d61_90, d90Plus: row.d90Plus }, oldest: row.oldestDaysPastDue } : undefined;
        const want = { balance: pure.balanceMinor, aging: pure.aging, oldest: pure.oldestDaysPastDue };
        expect(got ?? { balance: 0, aging: { notDue: 0, d0_30: 0, d31_60: 0, d61_90: 0, d90Plus: 0 }, oldest: 0 }).toEqual(want);
      }
    }
  });
});

describe('bank statement import', () => {
  const IMPORT = `mutation($input: ImportBankStatementInput!) { importBankStatement(input: $input) { statement { id lineCount matchedCount
    lines(first: 10) { edges { node { id lineNo status reason amount { amountMinor } apartment { id } entry { id kind subtype amount { amountMinor } } } } } } } }`;
  const QUEUE = `{ bankStatementLines(first: 10) { edges { node { id lineNo reference counterparty status reason } } } }`;
  const RESOLVE = `mutation($input: ResolveBankLineInput!) { resolveBankLine(input: $input) { line { id status apartment { id } entry { amount { amountMinor } } } } }`;

  it('posts payments for lines naming an apartment reference, queues the rest, and lets the office resolve them', async () => {
    const acme = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 2);
    const [a1, a2] = apartments;
    ok(await charge(acme, a1!.id, 30_000, '2026-03-01'));
    const csv = [
      'Booking Date,Payer Name,Amount,Narrative,Transaction ID',
      `02/03/2026,A Owner,"250.00","SERVICE CHARGE ${a1!.paymentReference.toLowerCase()}",TX-1`,
      `03/03/2026,Someone,40.00,"flat two march",TX-2`,
      `03/03/2026,Bank,-5.00,"account fee",TX-3`,
      `04/03/2026,Both,10.00,"${a1!.paymentReference} ${a2!.paymentReference}",TX-4`,
    ].join('\n');
    const input = { content: csv, filename: 'march.csv', idempotencyKey: key() };
    const st = ok(await acme<any>(IMPORT, { input })).importBankStatement.statement;
    expect(st).toMatchObject({ lineCount: 4, matchedCount: 1 });
    const lines = st.lines.edges.map((e: any) => e.node).sort((x: any, y: any) => x.lineNo - y.lineNo);
    expect(lines.map((l: any) => [l.lineNo, l.status, l.reason])).toEqual([
      [2, 'MATCHED', null],
      [3, 'UNMATCHED', 'no apartment payment reference in the text'],
      [4, 'IGNORED', 'not money received'],
      [5, 'UNMATCHED', 'the text names several apartments'],
    ]);
    expect(lines[0].entry).toMatchObject({ kind: 'PAYMENT', subtype: 'bank_file', amount: { amountMinor: -25_000 } });
    expect(lines[0].apartment).toEqual({ id: a1!.id });
    expect(ok(await acme<any>(BALANCE, { id: a1!.id, asOf: '2026-03-02' })).apartment.balance.balance).toEqual({ amountMinor: 5_000 });

    // The same file again (another key) posts nothing again.
    const again = ok(await acme<any>(IMPORT, { input: { ...input, idempotencyKey: key() } })).importBankStatement.statement;
    expect(again.id).toBe(st.id);
    // A later statement repeating a transaction id marks it duplicate.
    const overlap = ok(await acme<any>(IMPORT, { input: { content: `date,amount,reference,transaction id\n2026-03-02,250.00,${a1!.paymentReference},TX-1\n`, idempotencyKey: key() } }));
    expect(overlap.importBankStatement.statement.lines.edges.map((e: any) => e.node.status)).toEqual(['DUPLICATE']);

    const queue = ok(await acme<any>(QUEUE)).bankStatementLines.edges.map((e: any) => e.node);
    expect(queue.map((l: any) => l.lineNo).sort()).toEqual([3, 5]);
    const flatTwo = queue.find((l: any) => l.lineNo === 3);
    expect(flatTwo).toMatchObject({ reference: 'flat two march', counterparty: 'Someone' });
    const resolved = ok(await acme<any>(RESOLVE, { input: { lineId: flatTwo.id, apartmentId: a2!.id, idempotencyKey: key() } })).resolveBankLine.line;
    expect(resolved).toMatchObject({ status: 'RESOLVED', apartment: { id: a2!.id }, entry: { amount: { amountMinor: -4_000 } } });
    expect(errorOf(await acme(RESOLVE, { input: { lineId: flatTwo.id, apartmentId: a2!.id, idempotencyKey: key() } }))).toMatchObject({ code: 'CONFLICT' });
    const both = queue.find((l: any) => l.lineNo === 5);
    expect(ok(await acme<any>(RESOLVE, { input: { lineId: both.id, ignoreReason: 'returned to payer', idempotencyKey: key() } })).resolveBankLine.line.status).toBe('IGNORED');
    expect(ok(await acme<any>(QUEUE)).bankStatementLines.edges).toEqual([]);
  });

  it('imports an ISO 20022 camt.053 statement the same way', async () => {
    const acme = platform.as(tenant());
    const { apartments } = await givenBuilding(acme, 2);
    const [a1, a2] = apartments;
    const xml = camt053({ a: a1!.paymentReference, b: a2!.paymentReference }, { day: '2026-03-02' });
    const st = ok(await acme<any>(IMPORT.replace('statement { id', 'statement { id format'), { input: { format: 'CAMT053', content: xml, filename: 'stmt.xml', idempotencyKey: key() } })).importBankStatement.statement;
    expect(st).toMatchObject({ format: 'CAMT053', lineCount: 4, matchedCount: 2 });
    const lines = st.lines.edges.map((e: any) => e.node).sort((x: any, y: any) => x.lineNo - y.lineNo);
    expect(lines.map((l: any) => [l.status, l.apartment?.id ?? null, l.entry?.amount.amountMinor ?? null])).toEqual([
      ['MATCHED', a1!.id, -25_000],
      ['MATCHED', a2!.id, -5_050],
      ['UNMATCHED', null, null],
      ['IGNORED', null, null],
    ]);
    const bad = await acme(IMPORT, { input: { format: 'CAMT053', content: '<Document/>', idempotencyKey: key() } });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
  });

  it('refuses a file without the mapped columns, importing nothing', async () => {
    const acme = platform.as(tenant());
    const r = await acme(IMPORT, { input: { content: 'when,how much\n2026-01-01,1\n', idempotencyKey: key() } });
    expect(errorOf(r)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.content' });
    expect(ok(await acme<any>(QUEUE)).bankStatementLines.edges).toEqual([]);
  });
});

describe('tenants and permissions', () => {
  it('does not return another tenant’s ledger, report or bank lines, nor let it post to them', async () => {
    const acme = platform.as(tenant());
    const bravo = platform.as(tenant());
    const { building, apartments } = await givenBuilding(acme, 1);
    const apt = apartments[0]!.id;
    const entry = ok(await charge(acme, apt, 1_000, '2026-01-01')).postCharge.entry;
    ok(await acme(`mutation($input: ImportBankStatementInput!) { importBankStatement(input: $input) { statement { id } } }`, { input: { content: 'date,amount,reference\n2026-01-02,1.00,nobody\n', idempotencyKey: key() } }));
    expect(ok(await bravo<any>(`query($id: ID!) { ledgerEntry(id: $id) { id } }`, { id: entry.id })).ledgerEntry).toBeNull();
    expect(ok(await bravo<any>(`query($id: ID!) { debtReport(buildingId: $id) { asOf } }`, { id: building.id })).debtReport).toBeNull();
    expect(ok(await bravo<any>(`query($id: ID!) { apartmentStatement(apartmentId: $id, from: "2026-01-01", to: "2026-12-31") { from } }`, { id: apt })).apartmentStatement).toBeNull();
    expect(ok(await bravo<any>(`{ bankStatementLines(first: 10) { edges { node { id } } } }`)).bankStatementLines.edges).toEqual([]);
    expect(errorOf(await pay(bravo, apt, 1_000, '2026-01-02')).code).toBe('NOT_FOUND');
    expect(errorOf(await bravo(REVERSE, { input: { entryId: entry.id, reason: 'x', idempotencyKey: key() } })).code).toBe('NOT_FOUND');
  });

  it('lets an owner read but not post', async () => {
    const id = tenant();
    const { apartments } = await givenBuilding(platform.as(id), 1);
    const owner = platform.as(id, { roles: ['owner'] });
    expect(errorOf(await charge(owner, apartments[0]!.id, 1_000, '2026-01-01')).code).toBe('FORBIDDEN');
    expect(ok(await owner<any>(BALANCE, { id: apartments[0]!.id })).apartment.balance.balance).toEqual({ amountMinor: 0 });
  });
});
