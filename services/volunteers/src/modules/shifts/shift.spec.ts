import { expandRecurrence, planShifts, validateJob } from './shift';

const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: { code: string; field?: string } }).extensions;
  }
  return null;
};
const build = (overrides: Record<string, unknown> = {}) => ({ startsAt: '2027-03-01T09:00:00Z', durationMinutes: 180, capacity: 4, ...overrides });

describe('expandRecurrence (rrule)', () => {
  it('expands a weekly rule with COUNT from the first start, in UTC', () => {
    const starts = expandRecurrence('FREQ=WEEKLY;COUNT=3', new Date('2027-03-01T09:00:00Z'));
    expect(starts.map((d) => d.toISOString())).toEqual(['2027-03-01T09:00:00.000Z', '2027-03-08T09:00:00.000Z', '2027-03-15T09:00:00.000Z']);
  });
  it('expands BYDAY with UNTIL (Tuesdays and Thursdays of two weeks)', () => {
    const starts = expandRecurrence('FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270314T235959Z', new Date('2027-03-01T18:30:00Z'));
    expect(starts.map((d) => d.toISOString().slice(0, 10))).toEqual(['2027-03-02', '2027-03-04', '2027-03-09', '2027-03-11']);
    expect(starts.every((d) => d.toISOString().endsWith('T18:30:00.000Z'))).toBe(true);
  });
  it('accepts a leading RRULE: prefix through planShifts', () => expect(planShifts(build({ recurrence: 'RRULE:FREQ=DAILY;COUNT=2' })).starts).toHaveLength(2));
  it.each([
    ['FREQ=WEEKLY', 'must end'],
    ['FREQ=DAILY;COUNT=105', 'at most 104'],
    ['FREQ=HOURLY;UNTIL=20280101T000000Z', 'at most 104'],
    ['NOT A RULE', 'not a valid RRULE'],
  ])('refuses %p naming input.recurrence (%s)', (rule, message) => {
    expect(() => expandRecurrence(rule, new Date('2027-03-01T09:00:00Z'))).toThrow(message);
    expect(field(() => expandRecurrence(rule, new Date('2027-03-01T09:00:00Z')))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recurrence' });
  });
});

describe('planShifts', () => {
  it('plans one shift without a recurrence', () => {
    expect(planShifts(build())).toEqual({ starts: [new Date('2027-03-01T09:00:00Z')], durationMinutes: 180, capacity: 4, recurrence: null });
  });
  it.each([
    [{ startsAt: 'tomorrow' }, 'input.startsAt'],
    [{ durationMinutes: 10 }, 'input.durationMinutes'],
    [{ durationMinutes: 1441 }, 'input.durationMinutes'],
    [{ durationMinutes: 30.5 }, 'input.durationMinutes'],
    [{ capacity: 0 }, 'input.capacity'],
    [{ capacity: 10_001 }, 'input.capacity'],
  ])('refuses %p naming %s', (overrides, f) => expect(field(() => planShifts(build(overrides)))).toMatchObject({ code: 'BAD_USER_INPUT', field: f }));
});

describe('validateJob', () => {
  it('trims, de-duplicates skills and keeps optional fields null', () => {
    expect(validateJob({ name: ' Food bank ', skills: ['Driving', 'Driving', ' First aid '] })).toEqual({ name: 'Food bank', description: null, location: null, skills: ['Driving', 'First aid'] });
  });
  it.each([
    [{ name: ' ' }, 'input.name'],
    [{ name: 'x', skills: Array.from({ length: 21 }, (_, i) => `s${i}`) }, 'input.skills'],
    [{ name: 'x', skills: ['ok', ''] }, 'input.skills.1'],
    [{ name: 'x', location: 'x'.repeat(301) }, 'input.location'],
  ])('refuses %p naming %s', (input, f) => expect(field(() => validateJob(input))).toMatchObject({ code: 'BAD_USER_INPUT', field: f }));
});
