import { executable, hashPreview, previewCommonExpense, type ApartmentFact, type CommonExpenseParams, type PreviewItem } from './preview';

const building = { buildingId: 'b1', currency: 'GBP' };
const apt = (overrides: Partial<ApartmentFact>): ApartmentFact => ({ apartmentId: 'a1', buildingId: 'b1', unit: '1', ownershipShare: 500, balanceMinor: 0, ...overrides });
const params = (overrides: Partial<CommonExpenseParams> = {}): CommonExpenseParams => ({ amount: { amountMinor: 100_00, currency: 'GBP' }, method: 'ownership_share', ...overrides });
const three = [apt({ apartmentId: 'a3', unit: '10', ownershipShare: 200, balanceMinor: -500 }), apt({ apartmentId: 'a1', unit: '2', ownershipShare: 500, balanceMinor: 1_000 }), apt({ apartmentId: 'a2', unit: '3', ownershipShare: 300 })];

describe('previewCommonExpense', () => {
  it('splits by ownership share in unit order with balances before and after, and totals per building', () => {
    const p = previewCommonExpense(params({ amount: { amountMinor: 100_01, currency: 'GBP' } }), building, three);
    expect(p.items.map((i) => [i.seq, i.unit, i.chargeMinor, i.balanceBeforeMinor, i.balanceAfterMinor])).toEqual([
      [1, '2', 50_01, 1_000, 60_01], // 5000.5 and 2000.2 and 3000.3: the half takes the odd penny
      [2, '3', 30_00, 0, 30_00],
      [3, '10', 20_00, -500, 15_00],
    ]);
    expect(p.estimatedImpact).toEqual([{ buildingId: 'b1', items: 3, validItems: 3, invalidItems: 0, currency: 'GBP', chargeTotalMinor: 100_01, balanceBeforeTotalMinor: 500, balanceAfterTotalMinor: 105_01 }]);
    expect(executable(p)).toBe(true);
    expect(p.previewHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, CommonExpenseParams, number[]]>([
    ['equal', params({ method: 'equal', amount: { amountMinor: 100, currency: 'GBP' } }), [34, 33, 33]],
    ['custom', params({ method: 'custom', amount: { amountMinor: 90, currency: 'GBP' }, customWeights: [{ apartmentId: 'a1', weight: 1 }, { apartmentId: 'a2', weight: 1 }, { apartmentId: 'a3', weight: 1 }] }), [30, 30, 30]],
  ])('splits %s', (_n, p, expected) => expect(previewCommonExpense(p, building, three).items.map((i) => i.chargeMinor)).toEqual(expected));

  it.each<[string, CommonExpenseParams, ApartmentFact[], { item?: [number, string]; job?: string }]>([
    ['a missing share names the line and field', params(), [apt({ apartmentId: 'a1', ownershipShare: null }), apt({ apartmentId: 'a2', unit: '2' })], { item: [0, 'ownershipShare'] }],
    ['a missing custom weight', params({ method: 'custom', customWeights: [{ apartmentId: 'a1', weight: 2 }] }), [apt({}), apt({ apartmentId: 'a2', unit: '2' })], { item: [1, 'weight'] }],
    ['an unknown apartment in the custom table', params({ method: 'custom', customWeights: [{ apartmentId: 'a1', weight: 2 }, { apartmentId: 'zz', weight: 1 }] }), [apt({})], { job: 'commonExpense.customWeights.1.apartmentId' }],
    ['another currency', params({ amount: { amountMinor: 100, currency: 'EUR' } }), [apt({})], { job: 'commonExpense.amount.currency', item: [0, 'commonExpense.amount.currency'] }],
    ['no apartments', params(), [], { job: 'buildingId' }],
  ])('%s, and refuses execution', (_n, p, apartments, where) => {
    const out = previewCommonExpense(p, building, apartments);
    expect(executable(out)).toBe(false);
    if (where.job) expect(out.jobErrors.map((e) => e.field)).toContain(where.job);
    if (where.item) expect(out.items[where.item[0]]!.validationErrors.map((e) => e.field)).toContain(where.item[1]);
  });

  it('hashes the same data the same, and any change differently', () => {
    const base = previewCommonExpense(params(), building, three).previewHash;
    expect(previewCommonExpense(params(), building, [...three].reverse()).previewHash).toBe(base);
    const changed = [
      previewCommonExpense(params({ amount: { amountMinor: 100_01, currency: 'GBP' } }), building, three),
      previewCommonExpense(params(), building, three.slice(1)),
      previewCommonExpense(params(), building, three.map((a) => (a.apartmentId === 'a2' ? { ...a, balanceMinor: 1 } : a))),
      previewCommonExpense(params(), building, three.map((a) => (a.apartmentId === 'a2' ? { ...a, ownershipShare: 301 } : a))),
      previewCommonExpense(params({ dueOn: '2026-12-31' }), building, three),
    ];
    for (const c of changed) expect(c.previewHash).not.toBe(base);
  });
});

describe('hashPreview', () => {
  const item: PreviewItem = { seq: 1, apartmentId: 'a1', buildingId: 'b1', unit: 'Flat 1', weight: 1, balanceBeforeMinor: 10, chargeMinor: 5, balanceAfterMinor: 15, currency: 'GBP', validationErrors: [], channel: 'email', partyId: 'p1' };
  const base = hashPreview({ head: 1 }, [item, { ...item, apartmentId: 'a2', seq: 2 }]);

  it.each<[string, Partial<PreviewItem>]>([
    ['apartment', { apartmentId: 'a9' }],
    ['building', { buildingId: 'b9' }],
    ['unit', { unit: 'Flat 9' }],
    ['weight', { weight: 2 }],
    ['balance before', { balanceBeforeMinor: 11 }],
    ['charge', { chargeMinor: 6 }],
    ['balance after', { balanceAfterMinor: 16 }],
    ['currency', { currency: 'EUR' }],
    ['channel', { channel: 'sms' }],
    ['party', { partyId: null }],
    ['validation errors', { validationErrors: [{ field: 'weight', code: 'MISSING_WEIGHT', message: 'x' }] }],
  ])('changes with the item\'s %s', (_what, change) => {
    expect(hashPreview({ head: 1 }, [{ ...item, ...change }, { ...item, apartmentId: 'a2', seq: 2 }])).not.toBe(base);
  });

  it('ignores the position number, not the order, and covers the head', () => {
    expect(hashPreview({ head: 1 }, [{ ...item, seq: 7 }, { ...item, apartmentId: 'a2', seq: 8 }])).toBe(base);
    expect(hashPreview({ head: 1 }, [{ ...item, apartmentId: 'a2' }, item])).not.toBe(base);
    expect(hashPreview({ head: 2 }, [item, { ...item, apartmentId: 'a2', seq: 2 }])).not.toBe(base);
  });
});
