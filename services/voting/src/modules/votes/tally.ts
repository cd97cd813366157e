import { badInput } from '@commonhold/kit/domain';

/** How ballots are weighted: by the apartment's ownership share (thousandths) or one per apartment. */
export const WEIGHTINGS = ['ownership_share', 'per_apartment'] as const;
export type Weighting = (typeof WEIGHTINGS)[number];

/**
 * When the leading choice carries the vote:
 * - simple_majority: more weight than every other choice together among decisive ballots (a tie fails);
 * - two_thirds_cast: at least two thirds of the decisive weight (yes + no, or all options);
 * - two_thirds_total: at least two thirds of the total eligible weight (abstaining or absent = against).
 * Abstentions count towards the quorum, never towards a choice.
 */
export const APPROVAL_RULES = ['simple_majority', 'two_thirds_cast', 'two_thirds_total'] as const;
export type ApprovalRule = (typeof APPROVAL_RULES)[number];

export const ABSTAIN = 'abstain';
export type Outcome = 'approved' | 'rejected' | 'no_quorum';

export interface Voter {
  apartmentId: string;
  weight: number;
}

export interface BallotChoice {
  apartmentId: string;
  choice: string;
}

export interface TallyInput {
  /** The vote's options in order (`yes`, `no` for a yes/no vote); `abstain` is always allowed besides. */
  options: readonly string[];
  voters: readonly Voter[];
  ballots: readonly BallotChoice[];
  /** Share of the total weight that must take part, in basis points (5000 = 50 %). */
  quorumBasisPoints: number;
  approvalRule: ApprovalRule;
}

export interface OptionTally {
  option: string;
  weight: number;
  ballots: number;
}

export interface Tally {
  totalWeight: number;
  eligibleApartments: number;
  castWeight: number;
  ballotsCast: number;
  abstainWeight: number;
  decisiveWeight: number;
  options: OptionTally[];
  quorumMet: boolean;
  /** The option with the most weight (null on a tie for first place or no decisive ballot). */
  leadingOption: string | null;
  /** The leading option's share of the decisive weight, in basis points (rounded down). */
  approvalBasisPoints: number;
  outcome: Outcome;
  /** The option that carried the vote (null unless approved). */
  winningOption: string | null;
}

/** The weight each apartment votes with: its share (thousandths) or 1. A missing share is not a weight. */
export function voterWeight(weighting: Weighting, ownershipShare: number | null): number | null {
  if (weighting === 'per_apartment') return 1;
  return ownershipShare != null && ownershipShare > 0 ? ownershipShare : null;
}

/**
 * Counts a vote: each apartment's ballot with its weight (ballots of apartments not eligible are
 * ignored), the quorum, and the outcome under the approval rule. Integer arithmetic only.
 */
export function tally(input: TallyInput): Tally {
  const weightOf = new Map(input.voters.map((v) => [v.apartmentId, v.weight]));
  const totalWeight = input.voters.reduce((s, v) => s + v.weight, 0);
  const byOption = new Map<string, OptionTally>(input.options.map((o) => [o, { option: o, weight: 0, ballots: 0 }]));
  let abstainWeight = 0;
  let castWeight = 0;
  let ballotsCast = 0;
  const counted = new Set<string>();
  for (const b of input.ballots) {
    const w = weightOf.get(b.apartmentId);
    if (w === undefined || counted.has(b.apartmentId)) continue;
    counted.add(b.apartmentId);
    castWeight += w;
    ballotsCast++;
    if (b.choice === ABSTAIN) {
      abstainWeight += w;
      continue;
    }
    const o = byOption.get(b.choice);
    if (!o) continue;
    o.weight += w;
    o.ballots++;
  }
  const options = [...byOption.values()];
  const decisiveWeight = castWeight - abstainWeight;
  const quorumMet = totalWeight > 0 && castWeight * 10_000 >= input.quorumBasisPoints * totalWeight;
  const sorted = [...options].sort((a, b) => b.weight - a.weight);
  const top = sorted[0];
  const leadingOption = top && top.weight > 0 && (sorted.length < 2 || sorted[1]!.weight < top.weight) ? top.option : null;
  const leadWeight = leadingOption ? top!.weight : 0;
  const approvalBasisPoints = decisiveWeight > 0 ? Math.floor((leadWeight * 10_000) / decisiveWeight) : 0;
  let carried = false;
  if (leadingOption) {
    if (input.approvalRule === 'simple_majority') carried = leadWeight * 2 > decisiveWeight;
    else if (input.approvalRule === 'two_thirds_cast') carried = leadWeight * 3 >= decisiveWeight * 2;
    else carried = leadWeight * 3 >= totalWeight * 2;
  }
  // A yes/no vote is approved only when "yes" carries it; "no" carrying it is a rejection.
  const isYesNo = input.options.length === 2 && input.options[0] === 'yes' && input.options[1] === 'no';
  if (isYesNo && leadingOption === 'no') carried = false;
  const outcome: Outcome = !quorumMet ? 'no_quorum' : carried ? 'approved' : 'rejected';
  return {
    totalWeight,
    eligibleApartments: input.voters.length,
    castWeight,
    ballotsCast,
    abstainWeight,
    decisiveWeight,
    options,
    quorumMet,
    leadingOption,
    approvalBasisPoints,
    outcome,
    winningOption: outcome === 'approved' ? leadingOption : null,
  };
}

/** A percentage with at most two decimals (0–100) as basis points; `field` names it in the error. */
export function percentToBasisPoints(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) throw badInput(field, `${field.split('.').pop()} must be a percentage between 0 and 100`);
  const bp = Math.round(value * 100);
  if (Math.abs(bp - value * 100) > 1e-6) throw badInput(field, `${field.split('.').pop()} takes at most two decimals`);
  return bp;
}
