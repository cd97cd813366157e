import { createHash } from 'node:crypto';
import { splitLargestRemainder, type Weighted } from './split';

/**
 * The dry run of a common-expense issue, as pure data: who is charged what, the balance before and
 * after, what is wrong with each line, the impact per building, and a hash that changes whenever
 * anything the execution depends on changes (so an execution refuses a stale preview).
 */

export const SPLIT_METHODS = ['ownership_share', 'equal', 'custom'] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

export interface CommonExpenseParams {
  amount: { amountMinor: number; currency: string };
  method: SplitMethod;
  customWeights?: { apartmentId: string; weight: number }[] | null;
  dueOn?: string | null;
  description?: string | null;
}

export interface ApartmentFact {
  apartmentId: string;
  buildingId: string;
  unit: string;
  ownershipShare: number | null;
  /** Balance in the building's currency (minor units), from the ledger events. */
  balanceMinor: number;
}

export interface BuildingFact {
  buildingId: string;
  currency: string;
}

export interface ValidationIssue {
  field: string;
  code: string;
  message: string;
  /** false: shown, but the job may execute (the item will fail on its own); absent means true. */
  blocking?: boolean;
}

export interface PreviewItem {
  seq: number;
  apartmentId: string;
  buildingId: string;
  unit: string;
  weight: number | null;
  balanceBeforeMinor: number;
  chargeMinor: number;
  balanceAfterMinor: number;
  currency: string;
  validationErrors: ValidationIssue[];
  /** Reminders: the channel and owner (party id) the reminder would reach, when known. */
  channel?: string | null;
  partyId?: string | null;
}

export interface BuildingImpact {
  buildingId: string;
  items: number;
  validItems: number;
  invalidItems: number;
  currency: string;
  chargeTotalMinor: number;
  balanceBeforeTotalMinor: number;
  balanceAfterTotalMinor: number;
}

export interface Preview {
  items: PreviewItem[];
  estimatedImpact: BuildingImpact[];
  /** Problems of the job as a whole (no apartments, currency). */
  jobErrors: ValidationIssue[];
  previewHash: string;
}

/**
 * Units in natural order ("Flat 2" before "Flat 10"): one shared collator — the same order as
 * `localeCompare(b, 'en', { numeric: true })`, which builds a collator on every call (most of a
 * 10,000-apartment dry run's sort).
 */
const unitCollator = new Intl.Collator('en', { numeric: true });

const byUnit = (a: ApartmentFact, b: ApartmentFact) =>
  unitCollator.compare(a.unit, b.unit) || (a.apartmentId < b.apartmentId ? -1 : a.apartmentId > b.apartmentId ? 1 : 0);

/** Computes the preview of issuing `params` over `apartments` of `building`. */
export function previewCommonExpense(params: CommonExpenseParams, building: BuildingFact, apartments: readonly ApartmentFact[]): Preview {
  const jobErrors: ValidationIssue[] = [];
  if (!apartments.length) jobErrors.push({ field: 'buildingId', code: 'NO_APARTMENTS', message: 'The building has no apartments to charge' });
  const currencyOk = params.amount.currency === building.currency;
  if (!currencyOk) {
    jobErrors.push({ field: 'commonExpense.amount.currency', code: 'CURRENCY_MISMATCH', message: `The building keeps its ledger in ${building.currency}, not ${params.amount.currency}` });
  }
  const custom = new Map((params.customWeights ?? []).map((w) => [w.apartmentId, w.weight]));
  const known = new Set(apartments.map((a) => a.apartmentId));
  (params.customWeights ?? []).forEach((w, i) => {
    if (!known.has(w.apartmentId)) jobErrors.push({ field: `commonExpense.customWeights.${i}.apartmentId`, code: 'UNKNOWN_APARTMENT', message: 'Not an apartment of the building' });
  });

  const sorted = [...apartments].sort(byUnit);
  const weighed = sorted.map((a) => {
    const errors: ValidationIssue[] = [];
    let weight: number | null = null;
    if (params.method === 'equal') weight = 1;
    else if (params.method === 'ownership_share') {
      weight = a.ownershipShare;
      if (weight == null || weight <= 0) errors.push({ field: 'ownershipShare', code: 'MISSING_SHARE', message: `Apartment ${a.unit} has no ownership share; set the building's share table` });
    } else {
      weight = custom.get(a.apartmentId) ?? null;
      if (weight == null) errors.push({ field: 'weight', code: 'MISSING_WEIGHT', message: `Apartment ${a.unit} has no weight in the custom table` });
    }
    if (!currencyOk) errors.push({ field: 'commonExpense.amount.currency', code: 'CURRENCY_MISMATCH', message: `The building keeps its ledger in ${building.currency}` });
    return { a, weight, errors };
  });
  // Only lines with a weight share the amount; a line without one is shown with a zero charge and
  // its error, and the job cannot execute until it is fixed.
  const sharing: Weighted[] = weighed.filter((w) => w.weight != null && w.weight > 0).map((w) => ({ id: w.a.apartmentId, weight: w.weight! }));
  if (!sharing.length && apartments.length) jobErrors.push({ field: 'commonExpense.method', code: 'NO_WEIGHTS', message: 'No apartment has a weight to share the amount by' });
  const parts = sharing.length ? splitLargestRemainder(params.amount.amountMinor, sharing) : new Map<string, number>();

  const items: PreviewItem[] = weighed.map(({ a, weight, errors }, i) => {
    const chargeMinor = parts.get(a.apartmentId) ?? 0;
    return {
      seq: i + 1,
      apartmentId: a.apartmentId,
      buildingId: a.buildingId,
      unit: a.unit,
      weight,
      balanceBeforeMinor: a.balanceMinor,
      chargeMinor,
      balanceAfterMinor: a.balanceMinor + chargeMinor,
      currency: building.currency,
      validationErrors: errors,
    };
  });
  const valid = items.filter((i) => !i.validationErrors.length);
  const estimatedImpact: BuildingImpact[] = [
    {
      buildingId: building.buildingId,
      items: items.length,
      validItems: valid.length,
      invalidItems: items.length - valid.length,
      currency: building.currency,
      chargeTotalMinor: items.reduce((s, i) => s + i.chargeMinor, 0),
      balanceBeforeTotalMinor: items.reduce((s, i) => s + i.balanceBeforeMinor, 0),
      balanceAfterTotalMinor: items.reduce((s, i) => s + i.balanceAfterMinor, 0),
    },
  ];
  const previewHash = hashPreview({ params, building, jobErrors }, items);
  return { items, estimatedImpact, jobErrors, previewHash };
}

/**
 * The preview hash: SHA-256 over the preview's head as stable JSON, then every item's fields (all
 * but its position) in a fixed order, one line each. The same data as hashing `stableJson` of the
 * whole preview, without sorting the keys of 10,000 items (it was most of a large dry run's time).
 */
export function hashPreview(head: unknown, items: readonly PreviewItem[]): string {
  const h = createHash('sha256').update(stableJson(head));
  for (const i of items) {
    h.update('\n');
    h.update(JSON.stringify([i.apartmentId, i.buildingId, i.unit, i.weight, i.balanceBeforeMinor, i.chargeMinor, i.balanceAfterMinor, i.currency, i.channel ?? null, i.partyId ?? null]));
    h.update(i.validationErrors.length ? stableJson(i.validationErrors) : '[]');
  }
  return h.digest('hex');
}

/** Stable JSON (sorted keys) so the same preview always hashes the same. */
export function stableJson(v: unknown): string {
  if (v === null || v === undefined || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/** Whether a preview may be executed: no blocking job-level or line-level validation errors. */
export const executable = (p: Pick<Preview, 'items' | 'jobErrors'>): boolean =>
  !p.jobErrors.some((e) => e.blocking !== false) && p.items.every((i) => !i.validationErrors.some((e) => e.blocking !== false));
