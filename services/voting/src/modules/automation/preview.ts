import type { EntityManager } from 'typeorm';
import { countVote, type Tally, type VoteRow } from '../votes';
import { ruleDecision, type RuleDecisionReason } from './rule';
import { buildingRules, executionsOfVote, type ExecutionRow, type RuleRow } from './rule.store';

export interface AutomationPreview {
  vote: VoteRow;
  /** The stored result of a closed vote, or the count so far of an open one. */
  result: Tally;
  provisional: boolean;
  items: { rule: RuleRow; fires: boolean; reason: RuleDecisionReason; execution: ExecutionRow | null }[];
}

/**
 * What the building's rules do (or would do, on the count so far) for a vote: each rule, whether it
 * fires and why not, and the execution already made. Writes nothing.
 */
export async function previewVoteAutomation(m: EntityManager, tenantId: string, vote: VoteRow): Promise<AutomationPreview> {
  const closed = vote.status === 'closed' && !!vote.result;
  const result = closed ? vote.result! : await countVote(m, tenantId, vote);
  const [rules, executions] = await Promise.all([buildingRules(m, tenantId, vote.building_id), executionsOfVote(m, tenantId, vote.id)]);
  const facts = { closed, outcome: vote.status === 'cancelled' ? 'cancelled' : result.outcome, category: vote.category, approvalBasisPoints: result.approvalBasisPoints };
  return {
    vote,
    result,
    provisional: !closed,
    items: rules.map((rule) => ({
      rule,
      ...ruleDecision({ enabled: rule.enabled, category: rule.category, minApprovalBasisPoints: rule.min_approval_bp }, facts, !closed),
      execution: executions.find((e) => e.rule_id === rule.id) ?? null,
    })),
  };
}
