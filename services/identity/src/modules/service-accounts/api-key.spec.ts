import { apiKeyExpiry, formatApiKey, parseApiKey } from './api-key';

describe('API key rules', () => {
  const secret = 'S'.repeat(43);

  it('reads the tenant from a well-formed key only', () => {
    expect(parseApiKey(formatApiKey('acme_1', secret))).toEqual({ tenantId: 'acme_1' });
    for (const bad of [`chk.acme.${secret}x`, `chk.ac me.${secret}`, `key.acme.${secret}`, `chk..${secret}`, 'chk.acme', null, 7]) expect(parseApiKey(bad)).toBeNull();
  });

  const now = new Date('2026-12-01T00:00:00Z');
  it.each([
    ['an hour ahead', new Date('2026-12-01T01:00:00Z')],
    ['a year ahead', '2027-12-01T00:00:00Z'],
  ])('accepts an expiry %s', (_n, v) => expect(apiKeyExpiry(v, now)).toEqual(new Date(v)));

  it.each([
    ['unparseable', 'next year'],
    ['under an hour', '2026-12-01T00:59:00Z'],
    ['beyond 366 days', '2027-12-03T00:00:00Z'],
    ['missing', undefined],
  ])('refuses an expiry that is %s, naming the field', (_n, v) => {
    expect(() => apiKeyExpiry(v, now)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' }) }));
  });
});
