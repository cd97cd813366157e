import { AppError } from '@commonhold/kit/domain';

/** A work order's life (issue 14 item 5); `closed` and `cancelled` are final. */
export const WORK_ORDER_STATUSES = ['requested', 'offered', 'accepted', 'declined', 'in_progress', 'completed', 'verified', 'closed', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/**
 * The legal moves. A declined offer can be offered again (to the same or another vendor);
 * anything not yet completed can be cancelled; proof is verified before the order is closed.
 */
export const TRANSITIONS: Readonly<Record<WorkOrderStatus, readonly WorkOrderStatus[]>> = {
  requested: ['offered', 'cancelled'],
  offered: ['accepted', 'declined', 'cancelled'],
  declined: ['offered', 'cancelled'],
  accepted: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['verified'],
  verified: ['closed'],
  closed: [],
  cancelled: [],
};

/** Refused transitions answer CONFLICT with `reason: ILLEGAL_TRANSITION` and both states. */
export class IllegalTransitionError extends AppError {
  constructor(field: string, from: WorkOrderStatus, to: WorkOrderStatus) {
    super('CONFLICT', `A work order cannot go from ${from} to ${to}`, { field, details: { reason: 'ILLEGAL_TRANSITION', from, to } });
  }
}

export const canTransition = (from: WorkOrderStatus, to: WorkOrderStatus) => TRANSITIONS[from].includes(to);

/** The next status, or an IllegalTransitionError naming the input field. */
export function transition(field: string, from: WorkOrderStatus, to: WorkOrderStatus): WorkOrderStatus {
  if (!canTransition(from, to)) throw new IllegalTransitionError(field, from, to);
  return to;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** When the offered vendor must have answered by. */
export const responseDueAt = (offeredAt: Date, responseHours: number) => new Date(offeredAt.getTime() + responseHours * HOUR);
/** When the accepted work must be complete by. */
export const completionDueAt = (acceptedAt: Date, completionDays: number) => new Date(acceptedAt.getTime() + completionDays * DAY);

/** Which SLA an acceptance or a completion breached (the metric's `kind`), if any. */
export function slaBreach(kind: 'response' | 'completion', dueAt: Date | null, at: Date): 'response' | 'completion' | null {
  return dueAt && at.getTime() > dueAt.getTime() ? kind : null;
}
