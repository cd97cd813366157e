/**
 * Splitting an amount in minor units across weights (ownership thousandths, 1 each for an equal
 * split, or a custom table) so the parts sum to the amount exactly: each part is the floor of its
 * exact share, and the minor units left over go one each to the largest remainders, ties broken by
 * id (ascending) so the same input always splits the same way (Hamilton / largest remainder).
 * BigInt arithmetic: amount × weight may pass 2^53.
 */
export interface Weighted {
  id: string;
  weight: number;
}

export function splitLargestRemainder(amountMinor: number, parts: readonly Weighted[]): Map<string, number> {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError('amountMinor must be a non-negative safe integer');
  const out = new Map<string, number>();
  if (!parts.length) return out;
  for (const p of parts) {
    if (!Number.isSafeInteger(p.weight) || p.weight < 0) throw new RangeError(`weight of ${p.id} must be a non-negative integer`);
  }
  const total = parts.reduce((s, p) => s + BigInt(p.weight), 0n);
  if (total === 0n) throw new RangeError('the weights sum to zero');
  const amount = BigInt(amountMinor);
  const rows = parts.map((p) => {
    const exact = amount * BigInt(p.weight);
    return { id: p.id, floor: exact / total, rem: exact % total };
  });
  let left = amount - rows.reduce((s, r) => s + r.floor, 0n);
  const order = [...rows].sort((a, b) => (a.rem === b.rem ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.rem > b.rem ? -1 : 1));
  for (const r of order) {
    if (left === 0n) break;
    // A zero weight never takes a remainder unit (its remainder is 0, below every positive one,
    // and left < number of positive weights).
    r.floor += 1n;
    left -= 1n;
  }
  for (const r of rows) out.set(r.id, Number(r.floor));
  return out;
}
