/** The grants dashboard's figures (pure): award conversion from the pipeline's counts. */

/** Awarded (incl. fully disbursed and closed) over decided (those plus rejected); null before any decision. */
export function awardConversionRate(counts: Record<string, number>): number | null {
  const won = (counts.AWARDED ?? 0) + (counts.FULLY_DISBURSED ?? 0) + (counts.CLOSED ?? 0);
  const decided = won + (counts.REJECTED ?? 0);
  return decided === 0 ? null : Math.round((won / decided) * 10_000) / 10_000;
}

/** A look-ahead window for upcoming deliverables: 1 to 366 days, 30 by default. */
export function windowDays(v: number | null | undefined): number {
  if (v == null) return 30;
  return Math.min(366, Math.max(1, Math.trunc(v)));
}
