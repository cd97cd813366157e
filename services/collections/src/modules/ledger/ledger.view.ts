import { money } from '@commonhold/kit/domain';
import { BUCKETS, bucketOf, type Aging } from './ledger';
import type { AgingRow } from './ledger.store';

/** Balances and aging as the GraphQL types show them (Money per bucket, the bucket enum). */

const bucketEnum = (d: number) => ({ notDue: 'NOT_DUE', d0_30: 'D0_30', d31_60: 'D31_60', d61_90: 'D61_90', d90Plus: 'D90_PLUS' })[bucketOf(d)];

export const EMPTY_AGING: Aging = { notDue: 0, d0_30: 0, d31_60: 0, d61_90: 0, d90Plus: 0 };
export function agingOut(a: Aging, currency: string) {
  const out = Object.fromEntries(BUCKETS.map((b) => [b, money(a[b], currency)])) as Record<string, ReturnType<typeof money>>;
  return { ...out, overdue: money(a.d0_30 + a.d31_60 + a.d61_90 + a.d90Plus, currency) };
}

export function balanceOut(row: AgingRow | undefined, asOf: string, currency: string) {
  const r = row ?? { ...EMPTY_AGING, balanceMinor: 0, oldestDaysPastDue: 0 };
  const open = BUCKETS.reduce((s, b) => s + r[b], 0);
  return {
    asOf,
    balance: money(r.balanceMinor, currency),
    aging: agingOut(r, currency),
    unappliedCredit: money(Math.max(0, open - r.balanceMinor), currency),
    bucket: bucketEnum(r.oldestDaysPastDue),
    oldestDaysPastDue: r.oldestDaysPastDue,
  };
}

