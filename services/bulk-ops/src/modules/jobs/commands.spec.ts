import { randomUUID } from 'node:crypto';
import { defaultSchemasDir, EventRegistry } from '@commonhold/kit';
import { chargeCommands, reminderCommands } from './execute-job';
import type { JobRow } from './job.store';

// The commands bulk-ops publishes must fit the contracts collections consumes: the outbox refuses
// an event its schema rejects, which would fail a whole execute. Checked against the real catalog.
const registry = EventRegistry.fromDirectory(`${defaultSchemasDir()}/events`);
const job = (action: string, parameters: Record<string, unknown>) => ({ id: randomUUID(), building_id: randomUUID(), action, parameters }) as unknown as JobRow;
const items = (n: number) => Array.from({ length: n }, () => ({ id: randomUUID(), apartment_id: randomUUID(), charge_minor: '1234' }));

describe('commands sent to collections', () => {
  it.each([1, 100, 101, 250])('%i reminder items: chunks of at most 100, each valid under reminder-command.requested.v1, every item once', (n) => {
    const all = items(n);
    const events = reminderCommands(job('reminder', { template: 'bulk.reminder', message: null }), all);
    expect(events).toHaveLength(Math.ceil(n / 100));
    for (const e of events) {
      expect(e.type).toBe('commonhold.bulk-ops.reminder-command.requested.v1');
      expect(() => registry.validate(e.type, e.data)).not.toThrow();
    }
    expect(events.flatMap((e) => (e.data as { items: { itemId: string }[] }).items.map((i) => i.itemId))).toEqual(all.map((i) => i.id));
  });

  it.each([1, 2000, 2001, 10_000])('%i charge items: chunks of at most 2,000, each valid under charge-command.requested.v2, amounts as numbers', (n) => {
    const all = items(n);
    const events = chargeCommands(job('common_expense', { amount: { amountMinor: 1234 * n, currency: 'GBP' }, method: 'equal', dueOn: '2026-12-31', description: null }), all);
    expect(events).toHaveLength(Math.ceil(n / 2000));
    for (const e of events) {
      expect(e.type).toBe('commonhold.bulk-ops.charge-command.requested.v2');
      expect(() => registry.validate(e.type, e.data)).not.toThrow();
    }
    const sent = events.flatMap((e) => (e.data as { items: { itemId: string; amountMinor: number }[] }).items);
    expect(sent.map((i) => i.itemId)).toEqual(all.map((i) => i.id));
    expect(sent.every((i) => i.amountMinor === 1234)).toBe(true);
  });
});
