import { executableStored, finalState, parseCommonExpense, visibleState } from './job';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });

describe('parseCommonExpense', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['ownership share, enum in any case', { amount: gbp(100), method: 'OWNERSHIP_SHARE' }, { method: 'ownership_share', customWeights: null, dueOn: null, description: null }],
    ['equal with a due date and description', { amount: gbp(100), method: 'equal', dueOn: '2026-12-31', description: ' Roof ' }, { method: 'equal', dueOn: '2026-12-31', description: 'Roof' }],
    ['custom', { amount: gbp(100), method: 'CUSTOM', customWeights: [{ apartmentId: A, weight: 3 }, { apartmentId: B, weight: 0 }] }, { customWeights: [{ apartmentId: A, weight: 3 }, { apartmentId: B, weight: 0 }] }],
  ])('accepts %s', (_n, input, expected) => expect(parseCommonExpense('input.commonExpense', input)).toMatchObject(expected));

  it.each<[string, unknown, string]>([
    ['nothing', null, 'input.commonExpense'],
    ['a zero amount', { amount: gbp(0), method: 'EQUAL' }, 'input.commonExpense.amount.amountMinor'],
    ['an unknown currency', { amount: { amountMinor: 1, currency: 'XYZ' }, method: 'EQUAL' }, 'input.commonExpense.amount.currency'],
    ['an unknown method', { amount: gbp(1), method: 'RANDOM' }, 'input.commonExpense.method'],
    ['custom without weights', { amount: gbp(1), method: 'CUSTOM' }, 'input.commonExpense.customWeights'],
    ['custom with all weights zero', { amount: gbp(1), method: 'CUSTOM', customWeights: [{ apartmentId: A, weight: 0 }] }, 'input.commonExpense.customWeights'],
    ['a weight that is not an integer', { amount: gbp(1), method: 'CUSTOM', customWeights: [{ apartmentId: A, weight: 1.5 }] }, 'input.commonExpense.customWeights.0.weight'],
    ['an apartment twice', { amount: gbp(1), method: 'CUSTOM', customWeights: [{ apartmentId: A, weight: 1 }, { apartmentId: A, weight: 2 }] }, 'input.commonExpense.customWeights.1.apartmentId'],
    ['weights for another method', { amount: gbp(1), method: 'EQUAL', customWeights: [{ apartmentId: A, weight: 1 }] }, 'input.commonExpense.customWeights'],
    ['an impossible due date', { amount: gbp(1), method: 'EQUAL', dueOn: '2026-13-01' }, 'input.commonExpense.dueOn'],
  ])('refuses %s naming the field', (_n, input, field) => {
    expect(() => parseCommonExpense('input.commonExpense', input)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }));
  });
});

describe('job states', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  it.each<[string, Date | null, string]>([
    ['dry_run_ready', new Date('2026-12-06T12:10:00Z'), 'dry_run_ready'],
    ['dry_run_ready', new Date('2026-12-06T12:00:00Z'), 'expired'],
    ['draft', null, 'draft'],
    ['completed', new Date('2026-12-01T00:00:00Z'), 'completed'],
  ])('%s with a preview expiring %p shows as %s', (status, expires, shown) => expect(visibleState(status, expires, now)).toBe(shown));

  it.each<[number, number, string]>([
    [3, 0, 'completed'],
    [2, 1, 'completed_with_errors'],
    [0, 3, 'failed'],
  ])('%i succeeded and %i failed finish as %s', (succeeded, failed, state) => expect(finalState({ succeeded, failed })).toBe(state));

  it.each<[string, { blocking?: boolean }[], { blocking?: boolean }[][], boolean]>([
    ['clean', [], [[], []], true],
    ['a job-level error', [{}], [[]], false],
    ['an item error', [], [[], [{}]], false],
    ['no items', [], [], false],
    ['only non-blocking item errors (a reminder predicted to fail)', [], [[], [{ blocking: false }]], true],
    ['a blocking beside a non-blocking item error', [], [[{ blocking: true }, { blocking: false }]], false],
    ['a non-blocking job-level error', [{ blocking: false }], [[]], true],
  ])('a stored preview that is %s executes: %p', (_n, jobErrors, itemErrors, ok) =>
    expect(executableStored({ job_errors: jobErrors }, itemErrors.map((e) => ({ validation_errors: e })))).toBe(ok));

  it('judges by the item count given when only the items with errors are listed', () => {
    expect(executableStored({ job_errors: [] }, [], 10_000)).toBe(true);
    expect(executableStored({ job_errors: [] }, [{ validation_errors: [{ blocking: false }] }], 10_000)).toBe(true);
    expect(executableStored({ job_errors: [] }, [{ validation_errors: [{}] }], 10_000)).toBe(false);
    expect(executableStored({ job_errors: [] }, [], 0)).toBe(false);
  });
});
