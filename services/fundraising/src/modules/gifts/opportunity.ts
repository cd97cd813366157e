import { AppError, badInput } from '@commonhold/kit/domain';

export const OPPORTUNITY_TYPES = ['GRANT', 'MAJOR_GIFT', 'LEGACY'] as const;
export const OPPORTUNITY_STAGES = ['PROSPECTING', 'CULTIVATION', 'ASK', 'PLEDGED', 'WON', 'LOST'] as const;
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];

/** Probability a stage implies when none is given (NPSP-style stage defaults). */
export const STAGE_PROBABILITY: Record<OpportunityStage, number> = { PROSPECTING: 10, CULTIVATION: 25, ASK: 50, PLEDGED: 90, WON: 100, LOST: 0 };

const CLOSED: OpportunityStage[] = ['WON', 'LOST'];

/**
 * Stage rules: open stages (prospecting → cultivation → ask → pledged) may move either way as a
 * relationship develops; WON and LOST close the opportunity for good; LOST needs a reason.
 */
export function checkStageChange(from: OpportunityStage, to: OpportunityStage, lostReason: string | null | undefined): void {
  if (from === to) return;
  if (CLOSED.includes(from)) throw new AppError('CONFLICT', `The opportunity is ${from}; a closed opportunity cannot change stage`, { field: 'input.stage' });
  if (to === 'LOST' && !lostReason?.trim()) throw badInput('input.lostReason', 'lostReason is required when an opportunity is lost');
}

export function checkProbability(field: string, p: unknown, stage: OpportunityStage): number {
  if (p == null) return STAGE_PROBABILITY[stage];
  if (!Number.isInteger(p) || (p as number) < 0 || (p as number) > 100) throw badInput(field, 'probability must be a whole percentage from 0 to 100');
  if (stage === 'WON' && p !== 100) throw badInput(field, 'A won opportunity has probability 100');
  if (stage === 'LOST' && p !== 0) throw badInput(field, 'A lost opportunity has probability 0');
  return p as number;
}

/** Received = net of linked gifts; outstanding = expected less received, never negative, nothing once lost. */
export function opportunityProgress(expectedMinor: number, receivedMinor: number, stage: OpportunityStage) {
  return { receivedMinor, outstandingMinor: stage === 'LOST' ? 0 : Math.max(0, expectedMinor - receivedMinor) };
}
