import { linkTerms } from './public-link';

const now = new Date('2026-12-01T12:00:00Z');
const B1 = '11111111-1111-4111-8111-111111111111';
const B2 = '22222222-2222-4222-8222-222222222222';
const base = { purpose: 'vote_ballot', subjectId: 'ballot-1', expiresAt: '2026-12-02T12:00:00Z' };

describe('linkTerms', () => {
  it('defaults to one use and the creator’s scope', () => {
    expect(linkTerms(base, [`building:${B1}`], now, 30)).toEqual({ purpose: 'vote_ballot', subjectId: 'ballot-1', expiresAt: new Date(base.expiresAt), maxUses: 1, scope: [`building:${B1}`] });
  });

  it('accepts a narrower scope than the creator’s', () => {
    expect(linkTerms({ ...base, scope: [`building:${B1}`] }, 'global', now, 30).scope).toEqual([`building:${B1}`]);
  });

  it.each([
    ['an identity-only purpose', { purpose: 'invitation' }, 'input.purpose'],
    ['an unknown purpose', { purpose: 'anything' }, 'input.purpose'],
    ['a blank subject', { subjectId: ' ' }, 'input.subjectId'],
    ['an unparseable expiry', { expiresAt: 'tomorrow' }, 'input.expiresAt'],
    ['an expiry in the past', { expiresAt: '2026-12-01T11:00:00Z' }, 'input.expiresAt'],
    ['an expiry beyond the maximum', { expiresAt: '2027-01-15T12:00:00Z' }, 'input.expiresAt'],
    ['zero uses', { maxUses: 0 }, 'input.maxUses'],
    ['fractional uses', { maxUses: 1.5 }, 'input.maxUses'],
    ['a scope beyond the creator’s', { scope: [`building:${B2}`] }, 'input.scope'],
    ['global from a scoped creator', { scope: ['global'] }, 'input.scope'],
  ])('refuses %s naming the field', (_n, patch, field) => {
    expect(() => linkTerms({ ...base, ...patch }, [`building:${B1}`], now, 30)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }));
  });
});
