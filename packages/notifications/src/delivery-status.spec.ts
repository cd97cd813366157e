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
