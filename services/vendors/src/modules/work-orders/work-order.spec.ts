import { canTransition, completionDueAt, IllegalTransitionError, responseDueAt, slaBreach, transition, WORK_ORDER_STATUSES, type WorkOrderStatus } from './work-order';

describe('NC-405 the work-order state machine', () => {
  const legal: [WorkOrderStatus, WorkOrderStatus][] = [
    ['requested', 'offered'], ['offered', 'accepted'], ['offered', 'declined'], ['declined', 'offered'], ['accepted', 'in_progress'],
    ['in_progress', 'completed'], ['completed', 'verified'], ['verified', 'closed'],
    ['requested', 'cancelled'], ['offered', 'cancelled'], ['declined', 'cancelled'], ['accepted', 'cancelled'], ['in_progress', 'cancelled'],
  ];
  it.each(legal)('allows %s → %s', (from, to) => expect(transition('input.id', from, to)).toBe(to));

  it('refuses every other move with a typed CONFLICT naming both states and the field', () => {
    const pairs = WORK_ORDER_STATUSES.flatMap((f) => WORK_ORDER_STATUSES.map((t) => [f, t] as const));
    const illegal = pairs.filter(([f, t]) => !legal.some(([a, b]) => a === f && b === t));
    expect(illegal).toHaveLength(81 - legal.length);
    for (const [from, to] of illegal) {
      expect(canTransition(from, to)).toBe(false);
      let err: unknown;
      try {
        transition('input.id', from, to);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect((err as IllegalTransitionError).extensions).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', from, to, field: 'input.id' });
    }
  });

  it('cannot cancel completed, verified or closed work, nor leave a final state', () => {
    for (const s of ['completed', 'verified', 'closed', 'cancelled'] as const) expect(canTransition(s, 'cancelled')).toBe(false);
    expect(WORK_ORDER_STATUSES.filter((t) => canTransition('closed', t) || canTransition('cancelled', t))).toEqual([]);
  });
});

describe('SLA due dates and breaches', () => {
  const at = new Date('2026-03-01T09:00:00Z');
  it('counts response hours from the offer and completion days from acceptance', () => {
    expect(responseDueAt(at, 24).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(completionDueAt(at, 10).toISOString()).toBe('2026-03-11T09:00:00.000Z');
  });
  it('is a breach only strictly after the due time, and never without a due time', () => {
    const due = responseDueAt(at, 4);
    expect(slaBreach('response', due, due)).toBeNull();
    expect(slaBreach('response', due, new Date(due.getTime() + 1))).toBe('response');
    expect(slaBreach('completion', null, new Date('2030-01-01'))).toBeNull();
  });
});
