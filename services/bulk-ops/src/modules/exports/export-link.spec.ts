import { randomBytes } from 'node:crypto';
import { parseKeyring } from '@commonhold/kit';
import { signExportLink, verifyExportLink } from './export-link';

const kek = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const ID = '6f1c1d3e-2b7a-4c55-9a1e-0d4f5b6c7a8b';
const query = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);

describe('export download links', () => {
  const k1 = kek('k1');
  const ring = parseKeyring(k1);
  const now = Date.parse('2026-12-06T05:00:00Z');

  it('verifies its own link until it expires, then says expired', () => {
    const link = signExportLink(ring, 'acme', ID, now, 300);
    expect(link.expiresAt.toISOString()).toBe('2026-12-06T05:05:00.000Z');
    expect(verifyExportLink(ring, ID, query(link.url), now + 299_000)).toEqual({ ok: true, tenantId: 'acme' });
    expect(verifyExportLink(ring, ID, query(link.url), now + 300_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['another export id', (q: Record<string, string>) => q, 'a0000000-0000-4000-8000-000000000000'],
    ['another tenant', (q: Record<string, string>) => ({ ...q, t: 'bravo' }), ID],
    ['a later expiry', (q: Record<string, string>) => ({ ...q, exp: String(Number(q.exp) + 3600) }), ID],
    ['an unknown key id', (q: Record<string, string>) => ({ ...q, kid: 'k9' }), ID],
    ['a changed signature', (q: Record<string, string>) => ({ ...q, sig: q.sig!.slice(0, -1) + (q.sig!.endsWith('A') ? 'B' : 'A') }), ID],
    ['no signature', (q: Record<string, string>) => ({ ...q, sig: undefined as unknown as string }), ID],
    ['a non-numeric expiry', (q: Record<string, string>) => ({ ...q, exp: '1e12' }), ID],
  ])('refuses a link with %s as invalid', (_name, alter, id) => {
    const q = query(signExportLink(ring, 'acme', ID, now).url);
    expect(verifyExportLink(ring, id, alter(q), now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a forged link as invalid even when it claims an expiry long past', () => {
    const forged = query(signExportLink(parseKeyring(kek('k1')), 'acme', ID, now - 3_600_000).url);
    expect(verifyExportLink(ring, ID, forged, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('keeps verifying links signed under an older key while it is listed (KEK rotation)', () => {
    const link = signExportLink(ring, 'acme', ID, now);
    const rotated = parseKeyring(`${kek('k2')},${k1}`);
    expect(verifyExportLink(rotated, ID, query(link.url), now)).toEqual({ ok: true, tenantId: 'acme' });
    expect(query(signExportLink(rotated, 'acme', ID, now).url).kid).toBe('k2');
    expect(verifyExportLink(parseKeyring(kek('k2')), ID, query(link.url), now)).toEqual({ ok: false, reason: 'invalid' });
  });
});
