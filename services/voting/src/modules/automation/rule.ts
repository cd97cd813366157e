import { badInput, oneOf, requiredText } from '@commonhold/kit/domain';

export const RULE_ACTIONS = ['task', 'project', 'work_order'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
export const RULE_TRIGGERS = ['vote_approved'] as const;

const CATEGORY = /^[a-z][a-z0-9-]{0,63}$/;
const CURRENCY = /^[A-Z]{3}$/;

export interface TaskParams {
  title: string;
  description: string | null;
}
export interface ProjectParams {
  name: string;
  tasks: string[];
}
export interface WorkOrderParams {
  category: string;
  title: string;
  description: string | null;
  budgetMinor: number | null;
  currency: string | null;
}
export type RuleParams = { task: TaskParams } | { project: ProjectParams } | { workOrder: WorkOrderParams };

export interface RuleTerms {
  name: string;
  trigger: 'vote_approved';
  category: string | null;
  action: RuleAction;
  minApprovalBasisPoints: number;
  assignee: string | null;
  parameters: RuleParams;
  slaResponseHours: number | null;
  slaCompletionDays: number | null;
  enabled: boolean;
}

const optionalText = (field: string, v: unknown, max: number): string | null => (v == null ? null : requiredText(field, v, max));
const positiveInt = (field: string, v: unknown, max: number): number | null => {
  if (v == null) return null;
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) throw badInput(field, `${field.split('.').pop()} must be a whole number from 1 to ${max}`);
  return v as number;
};
const category = (field: string, v: unknown): string => {
  if (typeof v !== 'string' || !CATEGORY.test(v)) throw badInput(field, 'category must be lower-case letters, digits and dashes (e.g. roof, lift-repair), at most 64');
  return v;
};

/**
 * Validates an automation rule (NC-401 item 2): a trigger (a vote approved, of a category when given),
 * exactly the parameters of its action (a task, a project with 1–50 tasks, or a work order with a
 * category and an optional budget), a minimum approval (0–100 %), an assignee and SLA defaults.
 */
export function ruleTerms(input: Record<string, unknown>): RuleTerms {
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  const name = requiredText('input.name', input.name, 200);
  const trigger = oneOf('input.trigger', RULE_TRIGGERS, lower(input.trigger), 'vote_approved');
  const cat = input.category == null ? null : category('input.category', input.category);
  const action = oneOf('input.action', RULE_ACTIONS, lower(input.action));
  const minApproval = input.minApprovalPercent ?? 0;
  if (typeof minApproval !== 'number' || !Number.isFinite(minApproval) || minApproval < 0 || minApproval > 100) throw badInput('input.minApprovalPercent', 'minApprovalPercent must be between 0 and 100');
  const minApprovalBasisPoints = Math.round(minApproval * 100);
  if (Math.abs(minApprovalBasisPoints - minApproval * 100) > 1e-6) throw badInput('input.minApprovalPercent', 'minApprovalPercent takes at most two decimals');
  const given = (['task', 'project', 'workOrder'] as const).filter((k) => input[k] != null);
  const wanted = action === 'work_order' ? 'workOrder' : action;
  for (const g of given) if (g !== wanted) throw badInput(`input.${g}`, `A ${action.toUpperCase()} rule takes ${wanted}, not ${g}`);
  const p = input[wanted] as Record<string, unknown> | undefined;
  if (p == null || typeof p !== 'object') throw badInput(`input.${wanted}`, `A ${action.toUpperCase()} rule needs ${wanted}`);
  let parameters: RuleParams;
  if (action === 'task') {
    parameters = { task: { title: requiredText('input.task.title', p.title, 200), description: optionalText('input.task.description', p.description, 2000) } };
  } else if (action === 'project') {
    if (!Array.isArray(p.tasks) || p.tasks.length < 1 || p.tasks.length > 50) throw badInput('input.project.tasks', 'A project needs 1 to 50 tasks');
    parameters = { project: { name: requiredText('input.project.name', p.name, 200), tasks: p.tasks.map((t, i) => requiredText(`input.project.tasks.${i}`, t, 200)) } };
  } else {
    let budgetMinor: number | null = null;
    let currency: string | null = null;
    if (p.budget != null) {
      const b = p.budget as { amountMinor?: unknown; currency?: unknown };
      if (!Number.isSafeInteger(b.amountMinor) || (b.amountMinor as number) < 0) throw badInput('input.workOrder.budget.amountMinor', 'amountMinor must be a whole number of minor units, 0 or more');
      if (typeof b.currency !== 'string' || !CURRENCY.test(b.currency)) throw badInput('input.workOrder.budget.currency', 'currency must be an ISO 4217 code such as GBP');
      budgetMinor = b.amountMinor as number;
      currency = b.currency;
    }
    parameters = {
      workOrder: {
        category: category('input.workOrder.category', p.category),
        title: requiredText('input.workOrder.title', p.title, 200),
        description: optionalText('input.workOrder.description', p.description, 2000),
        budgetMinor,
        currency,
      },
    };
  }
  const sla = (input.sla ?? {}) as { responseHours?: unknown; completionDays?: unknown };
  if (typeof input.enabled !== 'undefined' && input.enabled !== null && typeof input.enabled !== 'boolean') throw badInput('input.enabled', 'enabled must be true or false');
  return {
    name,
    trigger,
    category: cat,
    action,
    minApprovalBasisPoints,
    assignee: optionalText('input.assignee', input.assignee, 200),
    parameters,
    slaResponseHours: positiveInt('input.sla.responseHours', sla.responseHours, 24 * 365),
    slaCompletionDays: positiveInt('input.sla.completionDays', sla.completionDays, 3650),
    enabled: (input.enabled as boolean | null | undefined) ?? true,
  };
}

export type RuleDecisionReason = 'FIRES' | 'DISABLED' | 'VOTE_NOT_CLOSED' | 'NOT_APPROVED' | 'CATEGORY_MISMATCH' | 'BELOW_MIN_APPROVAL';

/**
 * Whether a rule fires for a vote: enabled, the vote approved (a provisional count of an open vote
 * says what would happen at the close), of the rule's category when it names one, with at least
 * the rule's minimum approval.
 */
export function ruleDecision(
  rule: { enabled: boolean; category: string | null; minApprovalBasisPoints: number },
  vote: { closed: boolean; outcome: string; category: string | null; approvalBasisPoints: number },
  provisional = false,
): { fires: boolean; reason: RuleDecisionReason } {
  const no = (reason: RuleDecisionReason) => ({ fires: false, reason });
  if (!rule.enabled) return no('DISABLED');
  if (!vote.closed && !provisional) return no('VOTE_NOT_CLOSED');
  if (vote.outcome !== 'approved') return no('NOT_APPROVED');
  if (rule.category && rule.category !== vote.category) return no('CATEGORY_MISMATCH');
  if (vote.approvalBasisPoints < rule.minApprovalBasisPoints) return no('BELOW_MIN_APPROVAL');
  return { fires: true, reason: 'FIRES' };
}

/** The work-order request's id: derived from the vote and rule (UUID v5), so a repeat asks for the same work order. */
export const WORK_ORDER_REQUEST_NAMESPACE = '6f1d4c7e-3a52-5b8e-9c0d-7e2f4a1b9c30';
