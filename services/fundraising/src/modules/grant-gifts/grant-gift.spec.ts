import { grantGiftInput, grantGiftKey, traceIdOf } from './grant-gift';

const paid = {
  disbursementId: '6f1c2a8e-3d7b-4f1e-9a52-1c0e8b7d4a11',
  requestId: '0d3f7a2b-5c1e-4b8a-9f6d-2e4c8a1b3d57',
  funderContactId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  opportunityId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
  fundCode: 'YOUTH',
  amountMinor: 250_000,
  currency: 'GBP',
  paidOn: '2026-11-30',
};

describe('grantGiftInput', () => {
  it('records the whole disbursement from the funder, allocated to the fund, linked to the opportunity, under the disbursement key', () => {
    expect(grantGiftInput(paid, paid.funderContactId, 'fund-1')).toEqual({
      contactId: paid.funderContactId,
      amount: { amountMinor: 250_000, currency: 'GBP' },
      receivedAt: new Date('2026-11-30T00:00:00.000Z'),
      kind: 'ONE_OFF',
      paymentMethod: 'BANK_TRANSFER',
      opportunityId: paid.opportunityId,
      allocations: [{ fundId: 'fund-1', amountMinor: 250_000 }],
      idempotencyKey: `grants.disbursement:${paid.disbursementId}`,
    });
  });

  it('has no allocation without a fund, and the key depends on the disbursement alone', () => {
    expect(grantGiftInput({ ...paid, fundCode: null }, paid.funderContactId, null).allocations).toEqual([]);
    expect(grantGiftKey(paid.disbursementId)).toBe(grantGiftInput({ ...paid, amountMinor: 1 }, 'x', null).idempotencyKey);
  });
});

describe('traceIdOf', () => {
  it.each([
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', undefined],
    ['garbage', undefined],
    [undefined, undefined],
  ])('%p → %p', (tp, id) => expect(traceIdOf(tp)).toBe(id));
});
