import { AppError, badInput } from '@commonhold/kit/domain';

/**
 * A grant application (OFM "Funding Request") and its statuses, as the Outbound Funds Module
 * names them: Invited, In progress, Submitted, In Review, Reviewed, Awarded, Fully Disbursed,
 * Closed, Rejected, Withdrawn. Pure rules; the use cases apply them.
 */
export const REQUEST_STATUSES = ['INVITED', 'IN_PROGRESS', 'SUBMITTED', 'IN_REVIEW', 'REVIEWED', 'AWARDED', 'FULLY_DISBURSED', 'CLOSED', 'REJECTED', 'WITHDRAWN'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses a request may start in (a renewal nudge starts one IN_PROGRESS). */
export const INITIAL_STATUSES: readonly RequestStatus[] = ['INVITED', 'IN_PROGRESS'];

/** Where each status may go by hand. AWARDED comes only through `awardGrantRequest`, FULLY_DISBURSED from the disbursements, CLOSED through `closeGrantRequest`. */
const MOVES: Record<RequestStatus, readonly RequestStatus[]> = {
  INVITED: ['IN_PROGRESS', 'WITHDRAWN'],
  IN_PROGRESS: ['SUBMITTED', 'WITHDRAWN'],
  SUBMITTED: ['IN_REVIEW', 'REJECTED', 'WITHDRAWN'],
  IN_REVIEW: ['REVIEWED', 'REJECTED', 'WITHDRAWN'],
  REVIEWED: ['IN_REVIEW', 'REJECTED', 'WITHDRAWN'],
  AWARDED: [],
  FULLY_DISBURSED: [],
  CLOSED: [],
  REJECTED: [],
  WITHDRAWN: [],
};

/** Statuses from which the funder can award. */
export const AWARDABLE: readonly RequestStatus[] = ['SUBMITTED', 'IN_REVIEW', 'REVIEWED'];
/** Statuses in which money may be scheduled and paid. */
export const FUNDED: readonly RequestStatus[] = ['AWARDED', 'FULLY_DISBURSED'];
/** A request that reached a decision, for the award conversion rate. */
export const DECIDED: readonly RequestStatus[] = ['AWARDED', 'FULLY_DISBURSED', 'CLOSED', 'REJECTED'];
/** Statuses in which nothing changes any more. */
export const TERMINAL: readonly RequestStatus[] = ['CLOSED', 'REJECTED', 'WITHDRAWN'];

/** Refuses a status change the pipeline does not allow (CONFLICT naming `input.status`). */
export function checkStatusMove(from: RequestStatus, to: RequestStatus): void {
  if (from === to) return;
  if (to === 'AWARDED') throw new AppError('CONFLICT', 'Award a request with awardGrantRequest (it records the awarded amount)', { field: 'input.status' });
  if (to === 'CLOSED') throw new AppError('CONFLICT', 'Close a request with closeGrantRequest (it checks the final report)', { field: 'input.status' });
  if (to === 'FULLY_DISBURSED') throw new AppError('CONFLICT', 'A request becomes FULLY_DISBURSED when its last disbursement is paid', { field: 'input.status' });
  if (!MOVES[from].includes(to)) throw new AppError('CONFLICT', `A ${from} request cannot become ${to}`, { field: 'input.status', details: { from, to } });
}

export function checkAwardable(from: RequestStatus): void {
  if (!AWARDABLE.includes(from)) throw new AppError('CONFLICT', `A ${from} request cannot be awarded; submit it first`, { field: 'input.requestId', details: { from } });
}

/** A requirement as closing needs it. */
export interface RequirementState {
  type: string;
  finalReport: boolean;
  status: string;
}

/**
 * Fluxx's rule: a grant closes only once it was awarded and its final report is approved.
 * FINAL_REPORT_PENDING when there is no final report or one is not approved yet.
 */
export function checkClosable(status: RequestStatus, requirements: readonly RequirementState[]): void {
  if (!FUNDED.includes(status)) throw new AppError('CONFLICT', `A ${status} request cannot be closed; only an awarded grant closes`, { field: 'input.requestId', details: { reason: 'NOT_AWARDED' } });
  const finals = requirements.filter((r) => r.finalReport);
  if (!finals.length || finals.some((r) => r.status !== 'APPROVED')) {
    throw new AppError('CONFLICT', finals.length ? 'The final report is not approved yet; the grant cannot close' : 'The grant has no final report requirement; add one and approve it before closing', {
      field: 'input.requestId',
      details: { reason: 'FINAL_REPORT_PENDING' },
    });
  }
}

/** An ISO date (YYYY-MM-DD) or null. */
export function optionalDate(field: string, v: unknown): string | null {
  if (v == null) return null;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw badInput(field, 'a date is YYYY-MM-DD');
  }
  return v;
}

/** A grant term: the end is not before the start. */
export function checkTerm(start: string | null, end: string | null): void {
  if (start && end && end < start) throw badInput('input.endDate', 'endDate must not be before startDate');
}

/** A fund code as fundraising spells it: letters, digits, "-" and "_", upper-cased, at most 40. */
export function fundCode(v: unknown): string | null {
  if (v == null || v === '') return null;
  if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(v.trim())) throw badInput('input.fundCode', 'fundCode may hold only letters, digits, "-" and "_" (at most 40)');
  return v.trim().toUpperCase();
}

/**
 * Whether a funded grant is due its renewal nudge on `today`: it ends within `leadDays` (and has
 * not ended more than `leadDays` ago), and has no renewal yet.
 */
export function renewalDue(g: { status: RequestStatus; endDate: string | null; renewed: boolean }, today: string, leadDays: number): boolean {
  if (g.renewed || !g.endDate || !['AWARDED', 'FULLY_DISBURSED', 'CLOSED'].includes(g.status)) return false;
  const days = (Date.parse(`${g.endDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
  return days <= leadDays && days >= -leadDays;
}
