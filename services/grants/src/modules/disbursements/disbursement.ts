import { AppError, badInput } from '@commonhold/kit/domain';

/** OFM disbursement statuses: Scheduled → Pending Approval → Approved → Paid; any unpaid one may be Cancelled. */
export const DISBURSEMENT_STATUSES = ['SCHEDULED', 'PENDING_APPROVAL', 'APPROVED', 'PAID', 'CANCELLED'] as const;
export type DisbursementStatus = (typeof DISBURSEMENT_STATUSES)[number];

const MOVES: Record<DisbursementStatus, readonly DisbursementStatus[]> = {
  SCHEDULED: ['PENDING_APPROVAL', 'CANCELLED'],
  PENDING_APPROVAL: ['APPROVED', 'SCHEDULED', 'CANCELLED'],
  APPROVED: ['PAID', 'CANCELLED'],
  PAID: [],
  CANCELLED: [],
};

export function checkDisbursementMove(from: DisbursementStatus, to: DisbursementStatus): void {
  if (!MOVES[from].includes(to)) {
    const hint = to === 'PAID' ? '; only an APPROVED disbursement is paid' : to === 'APPROVED' ? '; submit it for approval first' : '';
    throw new AppError('CONFLICT', `A ${from} disbursement cannot become ${to}${hint}`, { field: 'input.disbursementId', details: { from, to } });
  }
}

export interface Totals {
  awardedMinor: number;
  /** Sum of PAID disbursements. */
  disbursedMinor: number;
  /** Sum of CANCELLED disbursements. */
  cancelledMinor: number;
  /** Sum of SCHEDULED, PENDING_APPROVAL and APPROVED disbursements. */
  openMinor: number;
}

/** OFM: remaining = awarded − disbursed − cancelled; never negative. */
export function remaining(t: Pick<Totals, 'awardedMinor' | 'disbursedMinor' | 'cancelledMinor'>): number {
  return Math.max(0, t.awardedMinor - t.disbursedMinor - t.cancelledMinor);
}

/** What may still be scheduled: the remaining less what is already scheduled and unpaid. */
export function unscheduled(t: Totals): number {
  return Math.max(0, remaining(t) - t.openMinor);
}

/** Refuses a new disbursement that would schedule more than the award leaves (so `remaining` can never go below zero). */
export function checkSchedulable(t: Totals, amountMinor: number): void {
  const room = unscheduled(t);
  if (amountMinor > room) throw badInput('input.amount.amountMinor', `At most ${room} minor units of the award are left to schedule`);
}

/** The grant is fully disbursed once nothing remains and nothing is open. */
export function fullyDisbursed(t: Totals): boolean {
  return t.awardedMinor > 0 && remaining(t) === 0 && t.openMinor === 0;
}

/** A paid date is a real day, not in the future. */
export function checkPaidOn(paidOn: string, today: string): void {
  if (paidOn > today) throw badInput('input.paidOn', 'paidOn must not be in the future');
}
