import { publishedKeys, rotationDue, signingKey, type KeyTimes } from './signing-key';

const t0 = new Date('2026-12-01T00:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const key = (kid: string, signsFromMin: number, createdMin = signsFromMin): KeyTimes => ({ kid, createdAt: at(createdMin), signsFrom: at(signsFromMin) });

describe('signing key lifecycle', () => {
  const old = key('old', 0);
  const next = key('next', 20, 9); // published at 9, signs from 20 (an 11-minute lead)

  it('signs with the newest key whose start has passed', () => {
    expect(signingKey([old, next], at(10))?.kid).toBe('old');
    expect(signingKey([old, next], at(20))?.kid).toBe('next');
    expect(signingKey([next], at(10))).toBeUndefined();
  });

  it('publishes a new key before it signs, and the replaced key for the retention period', () => {
    const kids = (now: Date) => publishedKeys([old, next], now, 15 * 60).map((k) => k.kid).sort();
    expect(kids(at(10))).toEqual(['next', 'old']); // published, not yet signing
    expect(kids(at(30))).toEqual(['next', 'old']); // old tokens still valid
    expect(kids(at(36))).toEqual(['next']); // 16 min after it stopped signing
  });

  it('asks for a first key, then for a rotation once the current key is old and none waits', () => {
    expect(rotationDue([], t0, 30)).toBe('first');
    expect(rotationDue([old], at(29 * 24 * 60), 30)).toBeUndefined();
    expect(rotationDue([old], at(30 * 24 * 60), 30)).toBe('rotate');
    expect(rotationDue([old, key('waiting', 30 * 24 * 60 + 11)], at(30 * 24 * 60), 30)).toBeUndefined();
    expect(rotationDue([old], at(90 * 24 * 60), 0)).toBeUndefined(); // automatic rotation off
  });
});
