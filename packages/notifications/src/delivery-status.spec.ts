import { deliveryKey } from './notifier';
import { advanceStatus, type DeliveryStatus } from './delivery-status';

describe('advanceStatus (out-of-order and late provider reports)', () => {
  it.each<[DeliveryStatus, DeliveryStatus, DeliveryStatus]>([
    ['pending', 'sent', 'sent'],
    ['deferred', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['sent', 'bounced', 'bounced'],
    ['sent', 'failed', 'failed'],
    ['delivered', 'sent', 'delivered'], // "sent" posted after "delivered": stale
    ['delivered', 'bounced', 'delivered'], // terminal never changes
    ['bounced', 'delivered', 'bounced'],
    ['failed', 'sent', 'failed'],
    ['sent', 'sent', 'sent'],
    ['sent', 'deferred', 'sent'],
  ])('%s + report %s → %s', (current, reported, expected) => {
    expect(advanceStatus(current, reported)).toBe(expected);
  });
});

describe('deliveryKey', () => {
  it('joins run, apartment, channel and step', () => {
    expect(deliveryKey({ runId: 'r1', apartmentId: 'a9', channel: 'sms', step: 2 })).toBe('r1/a9/sms/2');
  });
  it.each([['run/1'], ['']])('refuses a part %j that could make two reminders share a key', (runId) => {
    expect(() => deliveryKey({ runId, apartmentId: 'a9', channel: 'sms', step: 2 })).toThrow('a key part must be non-empty and without "/"');
  });
});
