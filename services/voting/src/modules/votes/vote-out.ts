import type { Tally } from './tally';
import { visibleStatus, type VoteOption } from './vote';
import type { VoteRow } from './vote.store';

/** GraphQL shapes of a vote and its result (shared by the votes and automation resolvers). */
export const up = (s: string) => s.toUpperCase();
export const labelOf = (options: VoteOption[], key: string) => (key === 'abstain' ? 'Abstain' : (options.find((o) => o.key === key)?.label ?? key));

export const resultOut = (t: Tally, options: VoteOption[]) => ({
  outcome: up(t.outcome),
  quorumMet: t.quorumMet,
  totalWeight: t.totalWeight,
  castWeight: t.castWeight,
  abstainWeight: t.abstainWeight,
  decisiveWeight: t.decisiveWeight,
  ballotsCast: t.ballotsCast,
  eligibleApartments: t.eligibleApartments,
  approvalPercent: t.approvalBasisPoints / 100,
  leadingOption: t.leadingOption,
  winningOption: t.winningOption,
  choices: t.options.map((o) => ({ option: o.option, label: labelOf(options, o.option), weight: o.weight, ballots: o.ballots })),
});

export const voteOut = (v: VoteRow) => ({
  id: v.id,
  building: { id: v.building_id },
  buildingId: v.building_id,
  title: v.title,
  question: v.question,
  category: v.category,
  kind: v.options.length === 2 && v.options[0]!.key === 'yes' ? 'YES_NO_ABSTAIN' : 'OPTIONS',
  options: v.options,
  opensAt: v.opens_at,
  closesAt: v.closes_at,
  secretBallot: v.secret_ballot,
  weighting: up(v.weighting),
  quorumPercent: v.quorum_bp / 100,
  approvalRule: up(v.approval_rule),
  ballotChangesAllowed: v.ballot_changes_allowed,
  status: up(visibleStatus(v.status, v.opens_at, v.closes_at, new Date())),
  result: v.result ? resultOut(v.result, v.options) : null,
  closedAt: v.closed_at,
  traceId: v.trace_id,
  createdBy: v.created_by,
  createdAt: v.created_at,
  _row: v,
});

