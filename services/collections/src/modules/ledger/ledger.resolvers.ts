import { AppError, byIdLoader, groupLoader, isUuid, money, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { apartmentLoader, buildingLoader, findApartments, loadBuilding, type ApartmentRow } from '../buildings';
import { who } from '../../shared/core.resolvers';
import { BUCKETS, calendarDate, daysBetween, position } from './ledger';
import { agingOut, balanceOut, EMPTY_AGING } from './ledger.view';
import { agingRows, balanceBefore, entriesBetween, entriesOfApartment, findEntries, pageEntries, type AgingRow, type EntryRow } from './ledger.store';
import { findLine, findStatement, pageLines, type BankLineRow } from './bank.store';
import { importBankStatement, resolveBankLine } from './import-bank-statement';
import { postAdjustment } from './post-adjustment';
import { postCharge } from './post-charge';
import { recordPayment } from './record-payment';
import { reverseLedgerEntry } from './reverse-entry';
import { todayUtc } from './post-entry';

type Ctx = RequestContext;
type Input = { input: Record<string, any> & { idempotencyKey: string } };

const tenant = (ctx: Ctx) => ctx.principal.tenantId;
const asOfArg = (v: unknown, field = 'asOf') => (v == null ? todayUtc() : calendarDate(field, v));
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

const entryLoader = (ctx: Ctx) => byIdLoader<EntryRow>(ctx, 'ledger-entries', (m, ids) => findEntries(m, tenant(ctx), ids));
const reversalLoader = (ctx: Ctx) =>
  groupLoader<EntryRow & { reversesId: string }>(ctx, 'ledger-reversals', (r) => r.reversesId, async (m, ids) => {
    const rows: { id: string }[] = await m.query(`SELECT id FROM ledger_entries WHERE tenant_id = $1 AND reverses_id = ANY($2::uuid[])`, [tenant(ctx), ids]);
    return (await findEntries(m, tenant(ctx), rows.map((r) => r.id))) as (EntryRow & { reversesId: string })[];
  });

/** Balance rows of many apartments on one date, batched per request. */
const balanceLoader = (ctx: Ctx, asOf: string) =>
  groupLoader<AgingRow>(ctx, `balances:${asOf}`, (r) => r.apartmentId, (m, ids) => agingRows(m, tenant(ctx), asOf, { apartmentIds: ids }));

async function apartmentBalance(ctx: Ctx, apartment: ApartmentRow, asOf: string) {
  const [row] = await balanceLoader(ctx, asOf).load(apartment.id);
  const building = await buildingLoader(ctx).load(apartment.buildingId);
  return balanceOut(row, asOf, building!.currency);
}

/** A posted entry, the charges it paid (for credits) and the apartment's balance today. */
async function entryPayload(ctx: Ctx, entryId: string) {
  return ctx.tx(async (m) => {
    const [entry] = await findEntries(m, tenant(ctx), [entryId]);
    const entries = await entriesOfApartment(m, tenant(ctx), entry!.apartmentId);
    const today = todayUtc();
    const p = position(entries, entry!.bookedOn > today ? entry!.bookedOn : today);
    const byId = new Map(entries.map((e) => [e.id, e]));
    const allocations = p.allocations.filter((a) => a.creditId === entryId).map((a) => ({ charge: byId.get(a.chargeId), amount: money(a.amountMinor, entry!.currency) }));
    const [row] = await agingRows(m, tenant(ctx), today, { apartmentIds: [entry!.apartmentId] });
    return { entry, allocations, balance: balanceOut(row, today, entry!.currency) };
  });
}

async function debtReport(ctx: Ctx, buildingId: string, asOf: string) {
  return ctx.tx(async (m) => {
    const building = await loadBuilding(m, tenant(ctx), buildingId, 'buildingId').catch(() => null);
    if (!building) return null;
    const apartments: (ApartmentRow & { owners: string[] })[] = await m.query(
      `SELECT a.id, a.building_id AS "buildingId", a.unit, a.ownership_share AS "ownershipShare",
              COALESCE(array_agg(p.name ORDER BY p.created_at) FILTER (WHERE p.role = 'owner' AND p.erased_at IS NULL), '{}') AS owners
       FROM apartments a LEFT JOIN apartment_parties p ON p.apartment_id = a.id
       WHERE a.tenant_id = $1 AND a.building_id = $2 GROUP BY a.id ORDER BY a.unit, a.id`,
      [tenant(ctx), building.id],
    );
    const rows = new Map((await agingRows(m, tenant(ctx), asOf, { buildingId: building.id })).map((r) => [r.apartmentId, r]));
    const total = { ...EMPTY_AGING, balanceMinor: 0 };
    let inArrears = 0;
    const out = apartments.map((a) => {
      const r = rows.get(a.id);
      if (r) {
        for (const b of BUCKETS) total[b] += r[b];
        total.balanceMinor += r.balanceMinor;
        if (r.oldestDaysPastDue > 0) inArrears++;
      }
      const bal = balanceOut(r, asOf, building.currency);
      return { apartment: a, unit: a.unit, ownershipShare: a.ownershipShare, owners: a.owners, balance: bal.balance, aging: bal.aging, bucket: bal.bucket, oldestDaysPastDue: bal.oldestDaysPastDue };
    });
    return {
      building,
      asOf,
      currency: building.currency,
      totals: { balance: money(total.balanceMinor, building.currency), aging: agingOut(total, building.currency), apartments: apartments.length, apartmentsInArrears: inArrears },
      rows: out,
    };
  });
}

async function statement(ctx: Ctx, apartmentId: string, fromArg: unknown, toArg: unknown) {
  const from = calendarDate('from', fromArg);
  const to = calendarDate('to', toArg);
  if (to < from) throw new AppError('BAD_USER_INPUT', 'to must not be before from', { field: 'to' });
  if (daysBetween(from, to) > 3 * 366) throw new AppError('BAD_USER_INPUT', 'a statement covers at most 3 years', { field: 'to' });
  return ctx.tx(async (m) => {
    const [apartment] = await findApartments(m, tenant(ctx), [apartmentId]);
    if (!apartment) return null;
    const building = (await buildingLoader(ctx).load(apartment.buildingId))!;
    const opening = await balanceBefore(m, tenant(ctx), apartment.id, from);
    const entries = await entriesBetween(m, tenant(ctx), apartment.id, from, to);
    let running = opening;
    const lines = entries.map((entry) => {
      running += entry.amountMinor;
      return { entry, runningBalance: money(running, building.currency) };
    });
    const [agingRow] = await agingRows(m, tenant(ctx), to, { apartmentIds: [apartment.id] });
    const sum = (pred: (e: EntryRow) => boolean) => entries.filter(pred).reduce((s, e) => s + e.amountMinor, 0);
    return {
      apartment,
      from,
      to,
      openingBalance: money(opening, building.currency),
      lines,
      closingBalance: money(running, building.currency),
      totalDebits: money(sum((e) => e.amountMinor > 0), building.currency),
      totalCredits: money(-sum((e) => e.amountMinor < 0), building.currency),
      aging: agingOut(agingRow ?? EMPTY_AGING, building.currency),
    };
  });
}

/** Thin: GraphQL in, a use case or a read, GraphQL out. */
export const ledgerResolvers: Resolvers = {
  Query: {
    ledgerEntry: (_: unknown, { id }: { id: string }, ctx: Ctx) => (isUuid(id) ? entryLoader(ctx).load(id) : null),
    apartmentStatement: (_: unknown, a: { apartmentId: string; from: string; to: string }, ctx: Ctx) => (isUuid(a.apartmentId) ? statement(ctx, a.apartmentId, a.from, a.to) : null),
    debtReport: (_: unknown, a: { buildingId: string; asOf?: string }, ctx: Ctx) => (isUuid(a.buildingId) ? debtReport(ctx, a.buildingId, asOfArg(a.asOf)) : null),
    bankStatement: (_: unknown, { id }: { id: string }, ctx: Ctx) => (isUuid(id) ? ctx.tx((m) => findStatement(m, tenant(ctx), id)) : null),
    bankStatementLines: (_: unknown, a: PageArgs & { status?: string | null }, ctx: Ctx) => {
      return ctx.tx((m) => pageLines(m, tenant(ctx), { status: a.status ? a.status.toLowerCase() : null, statementId: null }, a));
    },
  },
  Apartment: {
    balance: (a: ApartmentRow, args: { asOf?: string }, ctx: Ctx) => apartmentBalance(ctx, a, asOfArg(args.asOf)),
    ledgerEntries: (a: ApartmentRow, args: PageArgs, ctx: Ctx) => ctx.tx((m) => pageEntries(m, tenant(ctx), a.id, args)),
  },
  LedgerEntry: {
    apartment: (e: EntryRow, _: unknown, ctx: Ctx) => apartmentLoader(ctx).load(e.apartmentId),
    kind: (e: EntryRow) => e.kind.toUpperCase(),
    amount: (e: EntryRow) => money(e.amountMinor, e.currency),
    reverses: (e: EntryRow, _: unknown, ctx: Ctx) => (e.reversesId ? entryLoader(ctx).load(e.reversesId) : null),
    reversedBy: async (e: EntryRow, _: unknown, ctx: Ctx) => (await reversalLoader(ctx).load(e.id))[0] ?? null,
  },
  BankStatement: {
    format: (s: { format: string }) => s.format.toUpperCase(),
    lines: (s: { id: string }, args: PageArgs, ctx: Ctx) => ctx.tx((m) => pageLines(m, tenant(ctx), { status: null, statementId: s.id }, args)),
  },
  BankStatementLine: {
    statement: (l: BankLineRow, _: unknown, ctx: Ctx) => ctx.tx((m) => findStatement(m, tenant(ctx), l.statementId)),
    amount: (l: BankLineRow) => money(l.amountMinor, l.currency),
    bankTransactionId: (l: BankLineRow) => l.bankTxId,
    status: (l: BankLineRow) => l.status.toUpperCase(),
    apartment: (l: BankLineRow, _: unknown, ctx: Ctx) => (l.apartmentId ? apartmentLoader(ctx).load(l.apartmentId) : null),
    entry: (l: BankLineRow, _: unknown, ctx: Ctx) => (l.entryId ? entryLoader(ctx).load(l.entryId) : null),
  },
  Mutation: {
    postCharge: async (_: unknown, { input }: Input, ctx: Ctx) => {
      return entryPayload(ctx, await ctx.tx((m) => postCharge(m, ctx.runtime.registry, { ...who(ctx), input })));
    },
    recordPayment: async (_: unknown, { input }: Input, ctx: Ctx) => {
      return entryPayload(ctx, await ctx.tx((m) => recordPayment(m, ctx.runtime.registry, { ...who(ctx), input: { ...input, method: lower(input.method) } })));
    },
    postAdjustment: async (_: unknown, { input }: Input, ctx: Ctx) => {
      return entryPayload(ctx, await ctx.tx((m) => postAdjustment(m, ctx.runtime.registry, { ...who(ctx), input })));
    },
    reverseLedgerEntry: async (_: unknown, { input }: Input, ctx: Ctx) => {
      return entryPayload(ctx, await ctx.tx((m) => reverseLedgerEntry(m, ctx.runtime.registry, { ...who(ctx), input })));
    },
    importBankStatement: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => importBankStatement(m, ctx.runtime.registry, { ...who(ctx), input }));
      return { statement: await ctx.tx((m) => findStatement(m, tenant(ctx), id)) };
    },
    resolveBankLine: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => resolveBankLine(m, ctx.runtime.registry, { ...who(ctx), input }));
      return { line: await ctx.tx((m) => findLine(m, tenant(ctx), id)) };
    },
  },
};
