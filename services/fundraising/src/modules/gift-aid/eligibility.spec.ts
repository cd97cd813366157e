import { accountingPeriodEnd, addYears, hmrcDate, taxYearStart } from './dates';
import {
  adjustmentMinor,
  benefitWithinLimit,
  claimDeadline,
  coveringDeclaration,
  giftAidEligibility,
  taxOnAdjustmentMinor,
  taxOnDonationsMinor,
  type DeclarationCoverage,
  type EligibilityGift,
} from './eligibility';

const buildGift = (overrides: Partial<EligibilityGift> = {}): EligibilityGift => ({
  id: 'g1',
  kind: 'ONE_OFF',
  currency: 'GBP',
  amountMinor: 5000,
  refundedMinor: 0,
  benefitMinor: 0,
  receivedOn: '2026-05-10',
  donorKind: 'PERSON',
  claimId: null,
  priorTaxYearBenefitsMinor: 0,
  ...overrides,
});

const buildDeclaration = (overrides: Partial<DeclarationCoverage> = {}): DeclarationCoverage => ({
  id: 'd1',
  kind: 'ENDURING',
  giftId: null,
  declaredAt: '2026-01-01',
  coversFrom: '2022-01-01',
  coversTo: null,
  retroactivelyCancelled: false,
  ...overrides,
});

const ctx = { today: '2026-11-20', fiscalYearStartMonth: 4 };

describe('giftAidEligibility', () => {
  it.each<[string, Partial<EligibilityGift>, DeclarationCoverage[], string, typeof ctx?]>([
    ['an individual’s GBP gift under an enduring declaration', {}, [buildDeclaration()], 'ELIGIBLE'],
    ['a recurring instalment', { kind: 'RECURRING_INSTALMENT' }, [buildDeclaration()], 'ELIGIBLE'],
    ['a pledge payment', { kind: 'PLEDGE_PAYMENT' }, [buildDeclaration()], 'ELIGIBLE'],
    ['a partly refunded gift (net still positive)', { refundedMinor: 4999 }, [buildDeclaration()], 'ELIGIBLE'],
    ['a gift already in a claim', { claimId: 'c1' }, [buildDeclaration()], 'ALREADY_CLAIMED'],
    ['a pledge (a promise, not a payment)', { kind: 'PLEDGE' }, [buildDeclaration()], 'PLEDGE_NOT_PAID'],
    ['a gift in euros', { currency: 'EUR' }, [buildDeclaration()], 'NOT_GBP'],
    ['a fully refunded gift', { refundedMinor: 5000 }, [buildDeclaration()], 'REFUNDED'],
    ['a gift from an organisation', { donorKind: 'ORGANISATION' }, [buildDeclaration()], 'NOT_INDIVIDUAL'],
    ['no declaration at all', {}, [], 'NO_DECLARATION'],
    ['a gift before the declaration’s coversFrom', { receivedOn: '2023-05-31' }, [buildDeclaration({ coversFrom: '2023-06-01' })], 'NO_DECLARATION'],
    ['a gift on the declaration’s coversFrom', { receivedOn: '2023-06-01' }, [buildDeclaration({ coversFrom: '2023-06-01' })], 'ELIGIBLE'],
    ['a gift after a future-covering enduring declaration was made', { receivedOn: '2026-10-01' }, [buildDeclaration()], 'ELIGIBLE'],
    ['a gift on the day a declaration was cancelled (coversTo = day before)', { receivedOn: '2026-06-01' }, [buildDeclaration({ coversTo: '2026-05-31' })], 'NO_DECLARATION'],
    ['a gift the day before cancellation', { receivedOn: '2026-05-31' }, [buildDeclaration({ coversTo: '2026-05-31' })], 'ELIGIBLE'],
    ['an oral declaration cancelled retroactively', {}, [buildDeclaration({ retroactivelyCancelled: true })], 'NO_DECLARATION'],
    ['a single declaration for this gift', {}, [buildDeclaration({ kind: 'SINGLE', giftId: 'g1', coversFrom: '2026-05-10', coversTo: '2026-05-10' })], 'ELIGIBLE'],
    ['a single declaration for another gift', {}, [buildDeclaration({ kind: 'SINGLE', giftId: 'g2', coversFrom: '2026-05-10', coversTo: '2026-05-10' })], 'NO_DECLARATION'],
    ['benefit of exactly 25% of a £50 gift', { benefitMinor: 1250 }, [buildDeclaration()], 'ELIGIBLE'],
    ['benefit of 25% + 1p of a £50 gift', { benefitMinor: 1251 }, [buildDeclaration()], 'BENEFITS_EXCEED_LIMIT'],
    ['benefit limit on net (after a partial refund)', { amountMinor: 6000, refundedMinor: 1000, benefitMinor: 1251 }, [buildDeclaration()], 'BENEFITS_EXCEED_LIMIT'],
    ['benefit of £25 + 5% above £100 on £500', { amountMinor: 50_000, benefitMinor: 4500 }, [buildDeclaration()], 'ELIGIBLE'],
    ['benefit of £45.01 on £500', { amountMinor: 50_000, benefitMinor: 4501 }, [buildDeclaration()], 'BENEFITS_EXCEED_LIMIT'],
    ['benefits taking the donor over £2,500 in the tax year', { amountMinor: 1_000_000, benefitMinor: 2000, priorTaxYearBenefitsMinor: 248_001 }, [buildDeclaration()], 'BENEFITS_EXCEED_LIMIT'],
    ['benefits reaching exactly £2,500 in the tax year', { amountMinor: 1_000_000, benefitMinor: 2000, priorTaxYearBenefitsMinor: 248_000 }, [buildDeclaration()], 'ELIGIBLE'],
    ['no benefit on this gift although the donor is over the yearly cap', { priorTaxYearBenefitsMinor: 300_000 }, [buildDeclaration()], 'ELIGIBLE'],
    ['the last day of the claim window (FY Apr–Mar: 4 years after 31 March)', { receivedOn: '2022-03-31' }, [buildDeclaration({ coversFrom: '2022-01-01' })], 'ELIGIBLE', { today: '2026-03-31', fiscalYearStartMonth: 4 }],
    ['the day after the claim window closes', { receivedOn: '2022-03-31' }, [buildDeclaration({ coversFrom: '2022-01-01' })], 'OUTSIDE_CLAIM_WINDOW', { today: '2026-04-01', fiscalYearStartMonth: 4 }],
    ['a gift of the next accounting period is still in time', { receivedOn: '2022-04-01' }, [buildDeclaration({ coversFrom: '2022-01-01' })], 'ELIGIBLE', { today: '2026-04-01', fiscalYearStartMonth: 4 }],
    ['a calendar-year charity: window closes 31 Dec four years on', { receivedOn: '2022-01-15' }, [buildDeclaration({ coversFrom: '2022-01-01' })], 'OUTSIDE_CLAIM_WINDOW', { today: '2027-01-01', fiscalYearStartMonth: 1 }],
    // Precedence: the first failing rule is the reason.
    ['claimed and refunded reports ALREADY_CLAIMED', { claimId: 'c1', refundedMinor: 5000 }, [], 'ALREADY_CLAIMED'],
    ['an organisation’s euro gift reports NOT_GBP', { currency: 'EUR', donorKind: 'ORGANISATION' }, [], 'NOT_GBP'],
  ])('%s → %s', (_name, gift, declarations, reason, context = ctx) => {
    const result = giftAidEligibility(buildGift(gift), declarations, context);
    expect(result.reason).toBe(reason);
    expect(result.eligible).toBe(reason === 'ELIGIBLE');
  });

  it('names the covering declaration', () => {
    expect(giftAidEligibility(buildGift(), [buildDeclaration({ id: 'dx' })], ctx).declarationId).toBe('dx');
  });
});

describe('coveringDeclaration', () => {
  const older = buildDeclaration({ id: 'old', declaredAt: '2024-01-01', coversFrom: '2020-01-01', coversTo: '2025-12-31' });
  const newer = buildDeclaration({ id: 'new', declaredAt: '2026-01-01', coversFrom: '2023-01-01' });
  const single = buildDeclaration({ id: 'single', kind: 'SINGLE', giftId: 'g1', coversFrom: '2024-06-01', coversTo: '2024-06-01' });
  it.each([
    ['only the superseded one covers an old gift', '2021-06-01', [older, newer], 'old'],
    ['the latest declaration wins where both cover', '2024-06-02', [older, newer], 'new'],
    ['a single declaration for the gift wins', '2024-06-01', [older, newer, single], 'single'],
    ['none', '2019-06-01', [older, newer], null],
  ])('%s', (_name, receivedOn, declarations, expected) => {
    expect(coveringDeclaration(declarations, { id: 'g1', receivedOn })?.id ?? null).toBe(expected);
  });
});

describe('benefitWithinLimit', () => {
  it.each([
    [10_000, 2500, true],
    [10_000, 2501, false],
    [10_001, 2500, true], // £25 + 5% of 1p
    [10_020, 2501, true], // £25 + 5% of 20p = £25.01
    [10_019, 2501, false],
    [100, 25, true],
    [100, 26, false],
    [5_000_000, 271_000, false], // £50,000: £25 + 5% of £49,900 = £2,520 → 252_000
    [5_000_000, 252_000, true],
    [1000, 0, true],
  ])('donation %i, benefit %i → %s', (donation, benefit, ok) => expect(benefitWithinLimit(donation, benefit)).toBe(ok));
});

describe('claim window and calendar helpers', () => {
  it.each([
    ['2026-04-01', 4, '2027-03-31'],
    ['2026-03-31', 4, '2026-03-31'],
    ['2026-12-31', 1, '2026-12-31'],
    ['2026-01-01', 1, '2026-12-31'],
    ['2026-09-30', 10, '2026-09-30'],
    ['2026-10-01', 10, '2027-09-30'],
  ])('a gift on %s (FY from month %i) is in the period ending %s', (date, month, end) => expect(accountingPeriodEnd(date, month)).toBe(end));

  it.each([
    ['2022-05-01', 4, '2027-03-31'],
    ['2024-02-29', 3, '2028-02-29'],
    ['2023-06-01', 3, '2028-02-29'],
    ['2025-03-01', 3, '2030-02-28'],
  ])('gift on %s, FY month %i: claim by %s', (date, month, deadline) => expect(claimDeadline(date, month)).toBe(deadline));

  it.each([
    ['2026-04-05', '2025-04-06'],
    ['2026-04-06', '2026-04-06'],
    ['2026-12-31', '2026-04-06'],
  ])('the tax year holding %s starts %s', (date, start) => expect(taxYearStart(date)).toBe(start));

  it('moves 29 February to 28 February four years back', () => expect(addYears('2028-02-29', -4)).toBe('2024-02-29'));
  it('moves 29 February to 28 February one year on', () => expect(addYears('2024-02-29', 1)).toBe('2025-02-28'));
  it('formats DD/MM/YY', () => expect(hmrcDate('2026-01-05')).toBe('05/01/26'));
});

describe('adjustments', () => {
  it.each([
    ['nothing changed', { claimedMinor: 5000, adjustedMinor: 0, netMinor: 5000, covered: true }, 0],
    ['partly refunded after the claim', { claimedMinor: 5000, adjustedMinor: 0, netMinor: 3000, covered: true }, -2000],
    ['refunded again after an earlier adjustment', { claimedMinor: 5000, adjustedMinor: -2000, netMinor: 1000, covered: true }, -2000],
    ['already adjusted in full', { claimedMinor: 5000, adjustedMinor: -2000, netMinor: 3000, covered: true }, 0],
    ['fully refunded', { claimedMinor: 5000, adjustedMinor: 0, netMinor: 0, covered: true }, -5000],
    ['declaration cancelled retroactively', { claimedMinor: 5000, adjustedMinor: 0, netMinor: 5000, covered: false }, -5000],
  ])('%s → %i', (_name, input, expected) => expect(adjustmentMinor(input)).toBe(expected));

  it.each([
    [10_000, 2500],
    [10_003, 2500],
    [1, 0],
    [3, 0],
    [4, 1],
  ])('tax on donations of %i is %i (rounded down)', (donations, tax) => expect(taxOnDonationsMinor(donations)).toBe(tax));

  it.each([
    [-2000, 500],
    [-2001, 501],
    [0, 0],
  ])('tax on an adjustment of %i is %i (rounded up)', (adj, tax) => expect(taxOnAdjustmentMinor(adj)).toBe(tax));
});
