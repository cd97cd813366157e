import { advanceReminder, localTime, plannedEvent, reminderKey, scheduledRunDue, validTimeZone } from './run';

describe('reminderKey', () => {
  it('is run/apartment/channel/step', () => {
    expect(reminderKey('r1', 'a1', 'email', 'first')).toBe('r1/a1/email/first');
    expect(reminderKey('r1', 'a1', 'sms', 'first')).not.toBe(reminderKey('r1', 'a1', 'email', 'first'));
  });
});

describe('scheduledRunDue', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    // [now UTC, zone, hour, expected asOf or null]
    ['2026-06-01T04:59:00Z', 'Europe/London', 6, null], // 05:59 BST
    ['2026-06-01T05:00:00Z', 'Europe/London', 6, '2026-06-01'], // 06:00 BST
    ['2026-12-01T05:30:00Z', 'Europe/London', 6, null], // 05:30 GMT
    ['2026-12-01T06:00:00Z', 'Europe/London', 6, '2026-12-01'],
    ['2026-06-01T23:00:00Z', 'Europe/Athens', 1, '2026-06-02'], // 02:00 the next local day
    ['2026-06-01T10:00:00Z', 'Pacific/Kiritimati', 0, '2026-06-02'],
  ])('at %s in %s from %i h → %s', (now, timeZone, localHour, asOf) => {
    const due = scheduledRunDue(at(now), {
      timeZone,
      localHour,
      enabled: true,
    });
    expect(due?.asOf ?? null).toBe(asOf);
    if (asOf) expect(due!.scheduleKey).toBe(`scheduled:${asOf}`);
  });
  it('never when disabled', () => {
    expect(
      scheduledRunDue(at('2026-06-01T12:00:00Z'), {
        timeZone: 'UTC',
        localHour: 0,
        enabled: false,
      }),
    ).toBeNull();
  });
  it('reads the local date and hour', () => {
    expect(localTime(at('2026-03-29T01:30:00Z'), 'Europe/London')).toEqual({
      date: '2026-03-29',
      hour: 2,
    });
  });
});

describe('validTimeZone', () => {
  it('accepts IANA zones and names the field otherwise', () => {
    expect(validTimeZone('input.timeZone', 'Europe/London')).toBe('Europe/London');
    expect(() => validTimeZone('input.timeZone', 'Mars/Olympus')).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ field: 'input.timeZone' }),
      }),
    );
  });
});

describe('plannedEvent', () => {
  it('records sends and escalations, nothing else', () => {
    expect(
      plannedEvent({
        action: 'send',
        stepKey: 's',
        channel: 'email',
        template: 't',
        attempt: 2,
      }),
    ).toEqual({
      kind: 'reminder',
      channel: 'email',
      stepKey: 's',
      attempt: 2,
      escalation: null,
      template: 't',
    });
    expect(plannedEvent({ action: 'escalate', stepKey: 's', escalation: 'legal' })).toMatchObject({ kind: 'escalation', escalation: 'legal', channel: null });
    expect(
      plannedEvent({
        action: 'wait',
        stepKey: 's',
        channel: 'sms',
        until: '2026-01-01',
        reason: 'grace',
      }),
    ).toBeNull();
    expect(plannedEvent({ action: 'none', reason: 'promise to pay active' })).toBeNull();
  });
});

describe('advanceReminder', () => {
  it.each([
    ['pending', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'sent', 'delivered'],
    ['sent', 'bounced', 'bounced'],
    ['bounced', 'delivered', 'bounced'],
    ['pending', 'dead_lettered', 'dead_lettered'],
  ] as const)('%s + %s → %s', (from, outcome, to) => expect(advanceReminder(from, outcome)).toBe(to));
});
