import { checkFinalReport, checkRequirementMove, reminderDue, reminderEmail, remindDays } from './requirement';

const err = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: Record<string, unknown> }).extensions;
  }
  return undefined;
};

describe('requirement rules', () => {
  it('moves OPEN → SUBMITTED → APPROVED, returns SUBMITTED → OPEN, and nothing leaves APPROVED', () => {
    expect(() => checkRequirementMove('OPEN', 'SUBMITTED')).not.toThrow();
    expect(() => checkRequirementMove('SUBMITTED', 'APPROVED')).not.toThrow();
    expect(() => checkRequirementMove('SUBMITTED', 'OPEN')).not.toThrow();
    expect(err(() => checkRequirementMove('OPEN', 'APPROVED'))).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
    expect(err(() => checkRequirementMove('APPROVED', 'OPEN'))).toMatchObject({ code: 'CONFLICT' });
  });
  it('only a REPORT can be the final report', () => {
    expect(() => checkFinalReport('REPORT', true)).not.toThrow();
    expect(err(() => checkFinalReport('OUTCOME', true))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.finalReport' });
  });
  it('validates reminder settings', () => {
    expect(remindDays(undefined)).toBe(14);
    expect(remindDays(0)).toBe(0);
    expect(err(() => remindDays(-1))).toMatchObject({ field: 'input.remindDaysBefore' });
    expect(err(() => remindDays(1.5))).toMatchObject({ field: 'input.remindDaysBefore' });
    expect(reminderEmail(' ops@charity.example ')).toBe('ops@charity.example');
    expect(err(() => reminderEmail('not-an-address'))).toMatchObject({ field: 'input.reminderEmail' });
  });
});

describe('reminderDue', () => {
  const r = (o: Partial<Parameters<typeof reminderDue>[0]> = {}) => ({ status: 'OPEN' as const, dueDate: '2027-01-31', remindDaysBefore: 14, remindedAt: null, reminderEmail: 'ops@charity.example', ...o });
  it.each([
    ['14 days before', r(), '2027-01-17', true],
    ['15 days before', r(), '2027-01-16', false],
    ['overdue and never reminded', r(), '2027-02-10', true],
    ['already reminded', r({ remindedAt: new Date() }), '2027-01-20', false],
    ['submitted', r({ status: 'SUBMITTED' }), '2027-01-20', false],
    ['no address', r({ reminderEmail: null }), '2027-01-20', false],
    ['on the day with 0 days notice', r({ remindDaysBefore: 0 }), '2027-01-31', true],
  ])('%s', (_l, req, today, due) => expect(reminderDue(req, today)).toBe(due));
});
