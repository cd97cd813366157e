import type { EntityManager } from 'typeorm';
import { badInput } from '@commonhold/kit';
import { addDays, todayUtc } from '../ledger';
import { movements, reconciliation } from '../kpis';

/** `programmeKpis(days)`: a whole number of days from 1 to 366. */
export function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('days', 'days must be a whole number from 1 to 366');
  return days;
}

export interface CollectionsScorecard {
  collectionRates: { currency: string; charged: { amountMinor: number; currency: string }; collected: { amountMinor: number; currency: string }; rate: number }[];
  reconciliationMismatchRate: number;
  reconciliationItemsChecked: number;
  reconciliationItemsMismatched: number;
}

/** The tenant's collection rate over the last `days` days (today included) and its reconciliation now. */
export async function collectionsScorecard(m: EntityManager, tenantId: string, days: number): Promise<CollectionsScorecard> {
  const to = todayUtc();
  const from = addDays(to, -(checkDays(days) - 1));
  const moved = await movements(m, tenantId, from, to);
  const rec = await reconciliation(m, tenantId);
  return {
    collectionRates: moved
      .filter((x) => x.chargedMinor > 0)
      .sort((a, b) => (a.currency < b.currency ? -1 : 1))
      .map((x) => ({
        currency: x.currency,
        charged: { amountMinor: x.chargedMinor, currency: x.currency },
        collected: { amountMinor: x.collectedMinor, currency: x.currency },
        rate: x.collectedMinor / x.chargedMinor,
      })),
    reconciliationMismatchRate: rec.checked === 0 ? 0 : rec.mismatched / rec.checked,
    reconciliationItemsChecked: rec.checked,
    reconciliationItemsMismatched: rec.mismatched,
  };
}
