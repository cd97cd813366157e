import { ruleDecision, ruleTerms } from './rule';

const buildRuleInput = (overrides: Record<string, unknown> = {}) => ({ name: 'Roof repair', action: 'TASK', task: { title: 'Call roofers' }, ...overrides });
const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return undefined;
};

describe('ruleTerms', () => {
  it('takes a task rule with defaults (trigger, minimum approval, enabled)', () => {
    expect(ruleTerms(buildRuleInput({ assignee: 'caretaker', sla: { responseHours: 24, completionDays: 14 } }))).toEqual({
      name: 'Roof repair',
      trigger: 'vote_approved',
      category: null,
      action: 'task',
      minApprovalBasisPoints: 0,
      assignee: 'caretaker',
      parameters: { task: { title: 'Call roofers', description: null } },
      slaResponseHours: 24,
      slaCompletionDays: 14,
      enabled: true,
    });
  });

  it('takes a project with its tasks and a work order with category and budget', () => {
    expect(ruleTerms(buildRuleInput({ action: 'PROJECT', task: null, project: { name: 'Re-roof', tasks: ['Survey', 'Scaffold'] } })).parameters).toEqual({ project: { name: 'Re-roof', tasks: ['Survey', 'Scaffold'] } });
    expect(ruleTerms(buildRuleInput({ action: 'WORK_ORDER', task: null, category: 'roof', minApprovalPercent: 60, workOrder: { category: 'roofing', title: 'Fix the roof', budget: { amountMinor: 250_000_00, currency: 'GBP' } } }))).toMatchObject({
      category: 'roof',
      minApprovalBasisPoints: 6000,
      parameters: { workOrder: { category: 'roofing', title: 'Fix the roof', description: null, budgetMinor: 250_000_00, currency: 'GBP' } },
    });
  });

  it.each([
    [{ name: ' ' }, 'input.name'],
    [{ action: 'PAINT' }, 'input.action'],
    [{ trigger: 'VOTE_REJECTED' }, 'input.trigger'],
    [{ category: 'Roof!' }, 'input.category'],
    [{ minApprovalPercent: 101 }, 'input.minApprovalPercent'],
    [{ minApprovalPercent: 50.001 }, 'input.minApprovalPercent'],
    [{ task: null }, 'input.task'],
    [{ task: { title: '' } }, 'input.task.title'],
    [{ project: { name: 'x', tasks: ['a'] } }, 'input.project'],
    [{ action: 'PROJECT', task: null, project: { name: 'x', tasks: [] } }, 'input.project.tasks'],
    [{ action: 'PROJECT', task: null, project: { name: 'x', tasks: ['ok', ' '] } }, 'input.project.tasks.1'],
    [{ action: 'WORK_ORDER', task: null, workOrder: { category: 'Roofing', title: 'x' } }, 'input.workOrder.category'],
    [{ action: 'WORK_ORDER', task: null, workOrder: { category: 'roofing', title: 'x', budget: { amountMinor: -1, currency: 'GBP' } } }, 'input.workOrder.budget.amountMinor'],
    [{ action: 'WORK_ORDER', task: null, workOrder: { category: 'roofing', title: 'x', budget: { amountMinor: 1, currency: 'gbp' } } }, 'input.workOrder.budget.currency'],
    [{ sla: { responseHours: 0 } }, 'input.sla.responseHours'],
    [{ sla: { completionDays: 1.5 } }, 'input.sla.completionDays'],
  ])('refuses %j naming %s', (overrides, name) => {
    expect(field(() => ruleTerms(buildRuleInput(overrides)))).toMatchObject({ code: 'BAD_USER_INPUT', field: name });
  });
});

describe('ruleDecision', () => {
  const rule = { enabled: true, category: 'roof', minApprovalBasisPoints: 6000 };
  const vote = { closed: true, outcome: 'approved', category: 'roof', approvalBasisPoints: 7000 };
  it.each([
    ['fires', rule, vote, false, 'FIRES'],
    ['disabled', { ...rule, enabled: false }, vote, false, 'DISABLED'],
    ['open vote', rule, { ...vote, closed: false }, false, 'VOTE_NOT_CLOSED'],
    ['open vote, provisional count', rule, { ...vote, closed: false }, true, 'FIRES'],
    ['rejected', rule, { ...vote, outcome: 'rejected' }, false, 'NOT_APPROVED'],
    ['no quorum', rule, { ...vote, outcome: 'no_quorum' }, false, 'NOT_APPROVED'],
    ['other category', rule, { ...vote, category: 'lift' }, false, 'CATEGORY_MISMATCH'],
    ['vote without category', rule, { ...vote, category: null }, false, 'CATEGORY_MISMATCH'],
    ['any category', { ...rule, category: null }, { ...vote, category: null }, false, 'FIRES'],
    ['below minimum approval', rule, { ...vote, approvalBasisPoints: 5999 }, false, 'BELOW_MIN_APPROVAL'],
    ['at minimum approval', rule, { ...vote, approvalBasisPoints: 6000 }, false, 'FIRES'],
  ] as const)('%s', (_n, r, v, provisional, reason) => {
    expect(ruleDecision(r, v, provisional)).toEqual({ fires: reason === 'FIRES', reason });
  });
});
