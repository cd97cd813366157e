/** Pure figures of the office dashboard. */

/**
 * Collection rate of a period in basis points: what was received (net of reversed payments) over
 * what was charged (net of reversed charges), both booked in the period; null when nothing was
 * charged. 10,000 = everything charged was collected; above it, arrears were paid down too.
 */
export function collectionRateBasisPoints(collectedMinor: number, chargedMinor: number): number | null {
  if (chargedMinor <= 0) return null;
  return Math.round((collectedMinor * 10_000) / chargedMinor);
}
