/**
 * Vendor KPIs and the vendor score (issue 14 item 7), over the work orders of a rolling 12 months.
 * Pure: the facts come from the work orders' recorded transitions.
 *
 * - response: hours from the offer to the vendor (its request) to acceptance, and the share answered
 *   within the SLA's response hours;
 * - on time: the share of completed work finished by the completion due date (accepted + SLA days);
 * - cost overrun: invoice over the awarded offer, (invoice − awarded) / awarded, averaged; an
 *   invoice under the offer counts as 0;
 * - quality: the manager's rating (1–5) at verification, averaged.
 *
 * Score (0–100) = 100 × (0.3 × responseWithinSla + 0.3 × onTimeRate + 0.2 × (1 − min(1, avgOverrun))
 *                       + 0.2 × (avgRating − 1) / 4).
 * A component without data is left out and the remaining weights are scaled to 1; no data at all
 * gives no score. A vendor is preferred for a trade when it practises it, has at least
 * PREFERRED_MIN_VERIFIED verified work orders in the window, scores at least PREFERRED_MIN_SCORE
 * and no other such vendor of the trade scores higher (ties: the most verified work, then the id).
 */
export interface KpiFact {
  offeredAt: Date | null;
  acceptedAt: Date | null;
  responseDueAt: Date | null;
  completedAt: Date | null;
  completionDueAt: Date | null;
  awardedMinor: number | null;
  invoiceMinor: number | null;
  rating: number | null;
  verified: boolean;
}

export interface VendorKpis {
  workOrders: number;
  accepted: number;
  avgResponseHours: number | null;
  responseWithinSlaRate: number | null;
  completed: number;
  onTimeRate: number | null;
  avgCostOverrun: number | null;
  avgRating: number | null;
  verified: number;
  score: number | null;
}

export const KPI_WINDOW_DAYS = 365;
export const SCORE_WEIGHTS = { response: 0.3, onTime: 0.3, cost: 0.2, quality: 0.2 } as const;
export const PREFERRED_MIN_VERIFIED = 2;
export const PREFERRED_MIN_SCORE = 70;

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round = (x: number | null, digits = 4) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export function computeKpis(facts: readonly KpiFact[]): VendorKpis {
  const accepted = facts.filter((f) => f.offeredAt && f.acceptedAt);
  const responseHours = accepted.map((f) => (f.acceptedAt!.getTime() - f.offeredAt!.getTime()) / 3_600_000);
  const withDue = accepted.filter((f) => f.responseDueAt);
  const withinSla = avg(withDue.map((f) => (f.acceptedAt!.getTime() <= f.responseDueAt!.getTime() ? 1 : 0)));
  const completed = facts.filter((f) => f.completedAt);
  const onTime = avg(completed.filter((f) => f.completionDueAt).map((f) => (f.completedAt!.getTime() <= f.completionDueAt!.getTime() ? 1 : 0)));
  const overruns = facts.filter((f) => f.awardedMinor && f.invoiceMinor !== null).map((f) => Math.max(0, (f.invoiceMinor! - f.awardedMinor!) / f.awardedMinor!));
  const avgOverrun = avg(overruns);
  const avgRating = avg(facts.filter((f) => f.rating !== null).map((f) => f.rating!));
  return {
    workOrders: facts.length,
    accepted: accepted.length,
    avgResponseHours: round(avg(responseHours), 2),
    responseWithinSlaRate: round(withinSla),
    completed: completed.length,
    onTimeRate: round(onTime),
    avgCostOverrun: round(avgOverrun),
    avgRating: round(avgRating, 2),
    verified: facts.filter((f) => f.verified).length,
    score: vendorScore({ responseWithinSlaRate: withinSla, onTimeRate: onTime, avgCostOverrun: avgOverrun, avgRating }),
  };
}

/** The documented score from the four components (nulls dropped, weights rescaled); null without data. */
export function vendorScore(k: { responseWithinSlaRate: number | null; onTimeRate: number | null; avgCostOverrun: number | null; avgRating: number | null }): number | null {
  const parts: [number, number | null][] = [
    [SCORE_WEIGHTS.response, k.responseWithinSlaRate],
    [SCORE_WEIGHTS.onTime, k.onTimeRate],
    [SCORE_WEIGHTS.cost, k.avgCostOverrun === null ? null : 1 - Math.min(1, k.avgCostOverrun)],
    [SCORE_WEIGHTS.quality, k.avgRating === null ? null : (k.avgRating - 1) / 4],
  ];
  const present = parts.filter((p): p is [number, number] => p[1] !== null);
  if (!present.length) return null;
  const weight = present.reduce((a, [w]) => a + w, 0);
  return Math.round((100 * present.reduce((a, [w, v]) => a + w * v, 0)) / weight * 10) / 10;
}

/** The preferred vendor of each trade (see the rule above); trades without a qualifying vendor are absent. */
export function preferredByTrade(vendors: readonly { id: string; trades: readonly string[]; kpis: VendorKpis }[]): Map<string, string> {
  const best = new Map<string, { id: string; kpis: VendorKpis }>();
  for (const v of vendors) {
    const { score, verified } = v.kpis;
    if (score === null || score < PREFERRED_MIN_SCORE || verified < PREFERRED_MIN_VERIFIED) continue;
    for (const t of v.trades) {
      const cur = best.get(t);
      const better = !cur || score > cur.kpis.score! || (score === cur.kpis.score && (verified > cur.kpis.verified || (verified === cur.kpis.verified && v.id < cur.id)));
      if (better) best.set(t, { id: v.id, kpis: v.kpis });
    }
  }
  return new Map([...best].map(([t, v]) => [t, v.id]));
}
