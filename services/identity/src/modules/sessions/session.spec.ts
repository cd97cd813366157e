import { lockoutSeconds, parseRefreshToken, readCookie, setCookie, tokenHash } from './session';

describe('session rules', () => {
  it('reads the tenant from a well-formed refresh token only', () => {
    const secret = 'A'.repeat(43);
    expect(parseRefreshToken(`acme-1.${secret}`)).toEqual({ tenantId: 'acme-1' });
    for (const bad of [`acme.${secret}x`, `ac me.${secret}`, `.${secret}`, 'acme', 42, undefined, `${'t'.repeat(65)}.${secret}`]) expect(parseRefreshToken(bad)).toBeNull();
  });

  it('stores a hash, never the token', () => {
    expect(tokenHash('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash('a')).not.toBe(tokenHash('b'));
  });

  it.each([
    [1, 60],
    [2, 120],
    [3, 240],
    [6, 1920],
    [7, 3600],
    [20, 3600],
  ])('lockout %p lasts %p seconds', (n, s) => expect(lockoutSeconds(n)).toBe(s));

  it('writes the refresh cookie with every flag a __Host- cookie needs', () => {
    expect(setCookie({ name: '__Host-x', value: 'v', httpOnly: true, maxAgeSeconds: 60 })).toBe('__Host-x=v; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(setCookie({ name: '__Host-c', value: 'v', httpOnly: false, maxAgeSeconds: 0 })).toBe('__Host-c=v; Path=/; Secure; SameSite=Strict; Max-Age=0');
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; __Host-x=tok.en; b=2', '__Host-x')).toBe('tok.en');
    expect(readCookie('a=1', '__Host-x')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});
