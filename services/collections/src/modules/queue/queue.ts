import { badInput } from '@commonhold/kit/domain';

/** Pure rules of the collections queue: who is in it, in which status, filtered how. */

export const QUEUE_STATUSES = ['overdue', 'promise_active', 'promise_broken'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/**
 * An apartment in arrears is in the queue in one status: PROMISE_ACTIVE while it has an active
 * promise to pay, PROMISE_BROKEN when its latest promise was broken, otherwise OVERDUE.
 */
export function queueStatus(latestPromise: 'active' | 'kept' | 'broken' | null): QueueStatus {
  if (latestPromise === 'active') return 'promise_active';
  if (latestPromise === 'broken') return 'promise_broken';
  return 'overdue';
}

/** Days-past-due range of an overdue bucket (of the oldest unpaid debt). */
export function bucketRange(bucket: unknown): { min: number; max: number } | null {
  if (bucket == null) return null;
  const ranges: Record<string, { min: number; max: number }> = {
    D0_30: { min: 1, max: 30 },
    D31_60: { min: 31, max: 60 },
    D61_90: { min: 61, max: 90 },
    D90_PLUS: { min: 91, max: Number.MAX_SAFE_INTEGER },
  };
  const r = typeof bucket === 'string' ? ranges[bucket] : undefined;
  if (!r) throw badInput('filter.bucket', 'bucket must be one of D0_30, D31_60, D61_90, D90_PLUS');
  return r;
}
