import { badInput, oneOf, requiredText } from '@commonhold/kit/domain';
import { ABSTAIN, APPROVAL_RULES, percentToBasisPoints, WEIGHTINGS, type ApprovalRule, type Weighting } from './tally';

export const VOTE_KINDS = ['yes_no_abstain', 'options'] as const;
export type VoteKind = (typeof VOTE_KINDS)[number];

/** A category names the kind of work a vote is about (`roof`, `lift-repair`): what rules match. */
export const CATEGORY = /^[a-z][a-z0-9-]{0,63}$/;

export interface VoteOption {
  key: string;
  label: string;
}

export interface VoteTerms {
  title: string;
  question: string;
  category: string | null;
  options: VoteOption[];
  opensAt: Date;
  closesAt: Date;
  secretBallot: boolean;
  weighting: Weighting;
  quorumBasisPoints: number;
  approvalRule: ApprovalRule;
  ballotChangesAllowed: boolean;
}

const MAX_DAYS = 366;
const YES_NO: VoteOption[] = [
  { key: 'yes', label: 'Yes' },
  { key: 'no', label: 'No' },
];

const instant = (field: string, v: unknown): Date => {
  const d = v instanceof Date ? v : new Date(typeof v === 'string' ? v : NaN);
  if (Number.isNaN(d.getTime())) throw badInput(field, `${field.split('.').pop()} must be an ISO 8601 instant`);
  return d;
};

const bool = (field: string, v: unknown, dflt?: boolean): boolean => {
  if (v == null && dflt !== undefined) return dflt;
  if (typeof v !== 'boolean') throw badInput(field, `${field.split('.').pop()} must be true or false`);
  return v;
};

/** A category or null; `field` names it in the error. */
export function parseCategory(field: string, v: unknown): string | null {
  if (v == null) return null;
  if (typeof v !== 'string' || !CATEGORY.test(v)) throw badInput(field, 'category must be lower-case letters, digits and dashes (e.g. roof, lift-repair), at most 64');
  return v;
}

/**
 * Validates a new vote: title and question, yes/no/abstain or 2–20 named options, a window that
 * closes in the future (at most a year ahead) after it opens, weighting, quorum (0–100 %, two
 * decimals) and approval rule. Enum values arrive upper-case from GraphQL.
 */
export function voteTerms(input: Record<string, unknown>, now: Date): VoteTerms {
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  const title = requiredText('input.title', input.title, 200);
  const question = requiredText('input.question', input.question, 2000);
  const category = parseCategory('input.category', input.category);
  const kind = oneOf('input.kind', VOTE_KINDS, lower(input.kind), 'yes_no_abstain');
  let options = YES_NO;
  if (kind === 'options') {
    if (!Array.isArray(input.options) || input.options.length < 2 || input.options.length > 20) throw badInput('input.options', 'An options vote needs 2 to 20 options');
    const labels = input.options.map((o, i) => requiredText(`input.options.${i}`, o, 200));
    const seen = new Set<string>();
    labels.forEach((l, i) => {
      if (seen.has(l.toLowerCase())) throw badInput(`input.options.${i}`, 'Options must differ');
      seen.add(l.toLowerCase());
    });
    options = labels.map((label, i) => ({ key: `option-${i + 1}`, label }));
  } else if (input.options != null) {
    throw badInput('input.options', 'options are only for an OPTIONS vote (a YES_NO_ABSTAIN vote has yes, no and abstain)');
  }
  const opensAt = input.opensAt == null ? now : instant('input.opensAt', input.opensAt);
  const closesAt = instant('input.closesAt', input.closesAt);
  if (opensAt.getTime() < now.getTime() - 5 * 60_000) throw badInput('input.opensAt', 'opensAt cannot be in the past');
  if (closesAt.getTime() <= opensAt.getTime()) throw badInput('input.closesAt', 'closesAt must be after opensAt');
  if (closesAt.getTime() <= now.getTime()) throw badInput('input.closesAt', 'closesAt must be in the future');
  if (closesAt.getTime() > now.getTime() + MAX_DAYS * 86_400_000) throw badInput('input.closesAt', `A vote closes at most ${MAX_DAYS} days ahead`);
  return {
    title,
    question,
    category,
    options,
    opensAt,
    closesAt,
    secretBallot: bool('input.secretBallot', input.secretBallot),
    weighting: oneOf('input.weighting', WEIGHTINGS, lower(input.weighting)),
    quorumBasisPoints: percentToBasisPoints('input.quorumPercent', input.quorumPercent),
    approvalRule: oneOf('input.approvalRule', APPROVAL_RULES, lower(input.approvalRule)),
    ballotChangesAllowed: bool('input.ballotChangesAllowed', input.ballotChangesAllowed, false),
  };
}

/** A ballot's choice: one of the vote's option keys, or abstain. */
export function parseChoice(field: string, options: readonly VoteOption[], v: unknown): string {
  const c = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (c === ABSTAIN || options.some((o) => o.key === c)) return c as string;
  throw badInput(field, `choice must be one of ${[...options.map((o) => o.key), ABSTAIN].join(', ')}`);
}

export type VisibleStatus = 'scheduled' | 'open' | 'closing' | 'closed' | 'cancelled';

/** What a vote looks like now: scheduled before it opens, closing once its time is up but the close job has not run yet. */
export function visibleStatus(stored: string, opensAt: Date, closesAt: Date, now: Date): VisibleStatus {
  if (stored !== 'open') return stored as VisibleStatus;
  if (now < opensAt) return 'scheduled';
  if (now >= closesAt) return 'closing';
  return 'open';
}
