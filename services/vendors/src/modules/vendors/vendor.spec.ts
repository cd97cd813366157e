import { credentialStanding, credentialStatusOf, eligibility, parseDay, parseSla, parseTrades, type Credential, type VendorFacts } from './vendor';

const B = '11111111-1111-4111-8111-111111111111';
const buildVendor = (o: Partial<VendorFacts> = {}): VendorFacts => ({
  active: true,
  trades: ['plumbing'],
  buildingIds: [B],
  credentials: [{ kind: 'insurance', status: 'approved', expiresOn: '2027-01-31' }],
  ...o,
});
const cred = (status: Credential['status'], expiresOn: string | null = null): Credential => ({ kind: 'gas-safe', status, expiresOn });

describe('NC-404 credential standing', () => {
  it.each([
    ['approved', '2026-06-30', 'approved'],
    ['approved', '2026-05-31', 'expired'],
    ['exempt', '2026-05-31', 'expired'],
    ['exempt', null, 'exempt'],
    ['pending', '2026-05-31', 'pending'],
    ['declined', null, 'declined'],
    ['incomplete', null, 'incomplete'],
  ] as const)('%s expiring %s is %s on 2026-06-01', (status, expiresOn, want) => {
    expect(credentialStanding(cred(status, expiresOn), '2026-06-01')).toBe(want);
  });
  it('is valid through its expiry day', () => expect(credentialStanding(cred('approved', '2026-06-01'), '2026-06-01')).toBe('approved'));
  it('takes the worst of several, and none at all is incomplete', () => {
    expect(credentialStatusOf([cred('approved'), cred('pending')], '2026-06-01')).toBe('pending');
    expect(credentialStatusOf([cred('exempt'), cred('approved', '2020-01-01')], '2026-06-01')).toBe('expired');
    expect(credentialStatusOf([cred('declined'), cred('approved', '2020-01-01')], '2026-06-01')).toBe('declined');
    expect(credentialStatusOf([], '2026-06-01')).toBe('incomplete');
  });
});

describe('NC-404 eligibility: trade, building, credentials (expired ⇒ not eligible)', () => {
  const day = '2026-06-01';
  it.each<[string, Partial<VendorFacts>, string[]]>([
    ['an active, credentialed vendor of the trade serving the building', {}, []],
    ['an inactive vendor', { active: false }, ['INACTIVE']],
    ['another trade', { trades: ['roofing'] }, ['TRADE_NOT_SERVED']],
    ['another building', { buildingIds: [] }, ['BUILDING_NOT_SERVED']],
    ['an expired insurance', { credentials: [{ kind: 'insurance', status: 'approved', expiresOn: '2026-05-31' }] }, ['CREDENTIALS_EXPIRED']],
    ['a pending credential', { credentials: [cred('approved'), cred('pending')] }, ['CREDENTIALS_PENDING']],
    ['no credentials', { credentials: [] }, ['CREDENTIALS_INCOMPLETE']],
    ['an exempt vendor', { credentials: [cred('exempt')] }, []],
    ['everything wrong', { active: false, trades: [], buildingIds: [], credentials: [cred('declined')] }, ['INACTIVE', 'TRADE_NOT_SERVED', 'BUILDING_NOT_SERVED', 'CREDENTIALS_DECLINED']],
  ])('%s', (_label, overrides, reasons) => {
    expect(eligibility(buildVendor(overrides), 'plumbing', B, day)).toEqual({ eligible: reasons.length === 0, reasons });
  });
});

describe('input parsing', () => {
  it('names the offending field', () => {
    expect(() => parseSla('input.sla', { responseHours: 0, completionDays: 5 })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'input.sla.responseHours' }) }));
    expect(() => parseSla('input.sla', { responseHours: 4, completionDays: 1.5 })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'input.sla.completionDays' }) }));
    expect(() => parseTrades('input.trades', ['plumbing', 'Roofing'])).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'input.trades.1' }) }));
    expect(() => parseDay('input.expiresOn', '2026-02-30')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    expect(parseTrades('t', ['plumbing', 'plumbing'])).toEqual(['plumbing']);
  });
});
