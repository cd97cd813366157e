import { effectivePolicy, episodeHistory, lateFeesDue, nextStep, validatePolicy, type Attempt, type DunningStep, type LateFeeRule, type PolicyDocument, type StoredPolicy } from './policy';

function buildStep(overrides: Partial<DunningStep> = {}): DunningStep {
  return { key: 'email-1', bucket: 'd0_30', channel: 'email', template: 'reminder.friendly', frequencyDays: 7, attempts: 2, graceDays: 5, escalation: 'next_step', ...overrides };
}
const policy: PolicyDocument = {
  steps: [
    buildStep(),
    buildStep({ key: 'sms-1', channel: 'sms', template: 'reminder.sms', attempts: 1, graceDays: 0, escalation: 'manager_task' }),
    buildStep({ key: 'letter-60', bucket: 'd31_60', channel: 'letter', template: 'letter.formal', attempts: 1, graceDays: 0, escalation: 'next_step' }),
    buildStep({ key: 'legal-90', bucket: 'd90Plus', channel: 'letter', template: 'letter.legal', attempts: 1, graceDays: 0, escalation: 'legal' }),
  ],
  lateFees: [],
};
const state = (oldestDaysPastDue: number, extra: Partial<{ overdueMinor: number; promiseActive: boolean; asOf: string }> = {}) => ({
  asOf: '2026-03-20',
  overdueMinor: 10_000,
  oldestDaysPastDue,
  promiseActive: false,
  ...extra,
});
const sent = (stepKey: string, on: string): Attempt => ({ stepKey, action: 'sent', on });

describe('nextStep (policy step selection)', () => {
  it.each<[string, ReturnType<typeof state>, Attempt[], ReturnType<typeof nextStep>]>([
    ['nothing overdue', state(0), [], { action: 'none', reason: 'nothing overdue' }],
    ['overdue amount zero', state(12, { overdueMinor: 0 }), [], { action: 'none', reason: 'nothing overdue' }],
    ['a promise to pay pauses dunning', state(40, { promiseActive: true }), [], { action: 'none', reason: 'promise to pay active' }],
    ['within the first step’s grace', state(3), [], { action: 'wait', stepKey: 'email-1', channel: 'email', until: '2026-03-22', reason: 'grace' }],
    ['grace over: first attempt', state(5), [], { action: 'send', stepKey: 'email-1', channel: 'email', template: 'reminder.friendly', attempt: 1 }],
    ['too soon for the second attempt', state(9), [sent('email-1', '2026-03-16')], { action: 'wait', stepKey: 'email-1', channel: 'email', until: '2026-03-23', reason: 'frequency' }],
    ['second attempt after frequencyDays', state(12), [sent('email-1', '2026-03-13')], { action: 'send', stepKey: 'email-1', channel: 'email', template: 'reminder.friendly', attempt: 2 }],
    [
      'attempts used up: next_step hands over to the SMS step',
      state(20),
      [sent('email-1', '2026-03-06'), sent('email-1', '2026-03-13')],
      { action: 'send', stepKey: 'sms-1', channel: 'sms', template: 'reminder.sms', attempt: 1 },
    ],
    [
      'the SMS step out of attempts escalates to a manager task',
      state(25),
      [sent('email-1', '2026-03-06'), sent('email-1', '2026-03-13'), sent('sms-1', '2026-03-15')],
      { action: 'escalate', stepKey: 'sms-1', escalation: 'manager_task' },
    ],
    [
      'an escalation is not repeated',
      state(28),
      [sent('email-1', '2026-03-06'), sent('email-1', '2026-03-13'), sent('sms-1', '2026-03-15'), { stepKey: 'sms-1', action: 'escalated', on: '2026-03-16' }],
      { action: 'none', reason: 'escalated' },
    ],
    ['a new bucket starts its own steps', state(31), [sent('email-1', '2026-03-06')], { action: 'send', stepKey: 'letter-60', channel: 'letter', template: 'letter.formal', attempt: 1 }],
    ['the last next_step of a bucket ends it', state(45), [sent('letter-60', '2026-03-01')], { action: 'none', reason: 'steps exhausted' }],
    ['no step for 61–90', state(75), [], { action: 'none', reason: 'no step for this bucket' }],
    ['90+ goes to legal after its letter', state(120), [sent('legal-90', '2026-03-01')], { action: 'escalate', stepKey: 'legal-90', escalation: 'legal' }],
  ])('%s', (_, s, history, decision) => expect(nextStep(policy, s, history)).toEqual(decision));
});

describe('dunning starts again after a paid-off debt (overdue episodes)', () => {
  // asOf 2026-03-20. History of an apartment: reminders about a January debt (due 2026-01-10),
  // an escalation, and reminders made while a February debt (due 2026-02-15) was overdue too.
  const january = [sent('email-1', '2026-01-20'), sent('email-1', '2026-01-27'), sent('sms-1', '2026-02-01'), { stepKey: 'sms-1', action: 'escalated' as const, on: '2026-02-05' }];
  const february = [sent('email-1', '2026-02-20')];
  it.each<[string, number, Attempt[], Attempt[], ReturnType<typeof nextStep>]>([
    // Oldest unpaid debt due 2026-01-10 (69 days): still the January episode, everything counts.
    ['same debt still unpaid: every attempt counts', 69, [...january, ...february], [...january, ...february], { action: 'none', reason: 'no step for this bucket' }],
    // January paid off before the February debt fell due (nothing overdue between): a new episode from 2026-02-15.
    ['old debt paid, a later one overdue: first step again', 5, january, [], { action: 'send', stepKey: 'email-1', channel: 'email', template: 'reminder.friendly', attempt: 1 }],
    ['old debt paid, the new episode’s own attempts count', 12, [...january, sent('email-1', '2026-03-14')], [sent('email-1', '2026-03-14')], { action: 'wait', stepKey: 'email-1', channel: 'email', until: '2026-03-21', reason: 'frequency' }],
    // Debt due 2026-02-15 (33 days) is now the oldest; attempts made while it was overdue keep counting.
    ['in arrears without a break: attempts since the current oldest debt fell due count', 33, [...january, ...february], february, { action: 'send', stepKey: 'letter-60', channel: 'letter', template: 'letter.formal', attempt: 1 }],
    ['an escalation of the old episode does not block the new one', 25, [...january, sent('email-1', '2026-03-01'), sent('email-1', '2026-03-08'), sent('sms-1', '2026-03-10')], [sent('email-1', '2026-03-01'), sent('email-1', '2026-03-08'), sent('sms-1', '2026-03-10')], { action: 'escalate', stepKey: 'sms-1', escalation: 'manager_task' }],
    ['a reminder on the due date itself belongs to no episode', 5, [sent('email-1', '2026-03-15')], [], { action: 'send', stepKey: 'email-1', channel: 'email', template: 'reminder.friendly', attempt: 1 }],
    ['nothing overdue: no history counts', 0, january, [], { action: 'none', reason: 'nothing overdue' }],
  ])('%s', (_, days, history, counted, decision) => {
    const s = state(days);
    expect(episodeHistory(history, s)).toEqual(counted);
    expect(nextStep(policy, s, episodeHistory(history, s))).toEqual(decision);
  });
});

describe('effectivePolicy (apartment > building > tenant)', () => {
  const doc = { steps: [buildStep()], lateFees: [] };
  const p = (scope: StoredPolicy['scope'], scopeId: string | null, removed = false): StoredPolicy => ({ id: `${scope}-${scopeId}`, scope, scopeId, version: 1, document: removed ? null : doc });
  it.each<[string, StoredPolicy[], string | null]>([
    ['none at all', [], null],
    ['tenant default only', [p('tenant', null)], 'tenant-null'],
    ['building override wins over the default', [p('tenant', null), p('building', 'b1')], 'building-b1'],
    ['another building’s override does not apply', [p('tenant', null), p('building', 'b2')], 'tenant-null'],
    ['apartment override wins over everything', [p('tenant', null), p('building', 'b1'), p('apartment', 'a1')], 'apartment-a1'],
    ['a removed apartment override falls back to the building', [p('building', 'b1'), p('apartment', 'a1', true)], 'building-b1'],
  ])('%s', (_, current, id) => expect(effectivePolicy(current, 'a1', 'b1')?.id ?? null).toBe(id));
});

describe('validatePolicy', () => {
  const field = (f: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: f }) });
  const step = { key: 'e1', bucket: 'D0_30', channel: 'EMAIL', template: 'reminder.friendly' };
  it('fills defaults and accepts GraphQL enum spellings', () => {
    expect(validatePolicy({ steps: [{ ...step, bucket: 'D90_PLUS' }] })).toEqual({
      steps: [{ key: 'e1', bucket: 'd90Plus', channel: 'email', template: 'reminder.friendly', frequencyDays: 7, attempts: 1, graceDays: 0, escalation: 'next_step' }],
      lateFees: [],
    });
  });
  it.each([
    [{ steps: [] }, 'input.steps'],
    [{ steps: [step, step] }, 'input.steps.1.key'],
    [{ steps: [{ ...step, key: 'Bad Key' }] }, 'input.steps.0.key'],
    [{ steps: [{ ...step, bucket: 'NOT_DUE' }] }, 'input.steps.0.bucket'],
    [{ steps: [{ ...step, channel: 'PIGEON' }] }, 'input.steps.0.channel'],
    [{ steps: [{ ...step, template: '' }] }, 'input.steps.0.template'],
    [{ steps: [{ ...step, attempts: 0 }] }, 'input.steps.0.attempts'],
    [{ steps: [{ ...step, frequencyDays: 91 }] }, 'input.steps.0.frequencyDays'],
    [{ steps: [{ ...step, graceDays: -1 }] }, 'input.steps.0.graceDays'],
    [{ steps: [{ ...step, escalation: 'CALL_THE_POLICE' }] }, 'input.steps.0.escalation'],
    [{ steps: [step], lateFees: [{ kind: 'FLAT', amountMinor: 1 }, { kind: 'FLAT', amountMinor: 1 }, { kind: 'FLAT', amountMinor: 1 }] }, 'input.lateFees'],
    [{ steps: [step], lateFees: [{ kind: 'FLAT' }] }, 'input.lateFees.0.amountMinor'],
    [{ steps: [step], lateFees: [{ kind: 'PERCENT', basisPoints: 10_001 }] }, 'input.lateFees.0.basisPoints'],
  ])('refuses %p naming %s', (input, f) => expect(() => validatePolicy(input)).toThrow(field(f)));
});

describe('lateFeesDue', () => {
  const flat: LateFeeRule = { kind: 'flat', amountMinor: 2_500, basisPoints: null, maxAmountMinor: null, graceDays: 10, minOverdueMinor: 5_000, frequency: 'once' };
  const pct: LateFeeRule = { kind: 'percent', amountMinor: null, basisPoints: 150, maxAmountMinor: 3_000, graceDays: 30, minOverdueMinor: 0, frequency: 'monthly' };
  const s = (oldestDaysPastDue: number, overdueMinor: number, charged: { rule: number; on: string }[] = [], asOf = '2026-03-20') => ({ asOf, overdueMinor, oldestDaysPastDue, charged });
  it.each<[string, ReturnType<typeof s>, { rule: number; amountMinor: number }[]]>([
    ['nothing overdue', s(40, 0), []],
    ['within grace of both', s(9, 50_000), []],
    ['flat fee after its grace', s(10, 50_000), [{ rule: 0, amountMinor: 2_500 }]],
    ['below the flat fee’s minimum', s(15, 4_999), []],
    ['flat fee charged once per episode', s(40, 50_000, [{ rule: 0, on: '2026-02-01' }]), [{ rule: 1, amountMinor: 750 }]],
    ['percent rounds half up: 1.5 % of 10,033 = 150.495 → 150', s(31, 10_033, [{ rule: 0, on: '2026-02-01' }]), [{ rule: 1, amountMinor: 150 }]],
    ['percent fee capped', s(31, 1_000_000, [{ rule: 0, on: '2026-02-01' }]), [{ rule: 1, amountMinor: 3_000 }]],
    ['monthly fee not twice in a month', s(45, 50_000, [{ rule: 0, on: '2026-02-01' }, { rule: 1, on: '2026-03-02' }]), []],
    ['monthly fee again next month', s(60, 50_000, [{ rule: 0, on: '2026-02-01' }, { rule: 1, on: '2026-03-02' }], '2026-04-01'), [{ rule: 1, amountMinor: 750 }]],
  ])('%s', (_, state, due) => expect(lateFeesDue([flat, pct], state)).toEqual(due));
});
