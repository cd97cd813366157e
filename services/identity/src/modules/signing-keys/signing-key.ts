/** The lifecycle of identity's signing keys, as pure rules over their timestamps. */
export interface KeyTimes {
  kid: string;
  createdAt: Date;
  /** Published from creation; signs from here on (unless a newer key signs already). */
  signsFrom: Date;
}

/**
 * The key that signs at `now`: the newest one whose `signsFrom` has passed. A key created by a
 * rotation is published at once but signs only after the lead time, so every verifier's cached
 * JWKS already holds it when the first token it signed arrives.
 */
export function signingKey<K extends KeyTimes>(keys: readonly K[], now: Date): K | undefined {
  return [...keys].filter((k) => k.signsFrom <= now).sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime() || b.kid.localeCompare(a.kid))[0];
}

/**
 * The keys served in the JWKS at `now`: every key that signs or will sign, and each replaced key
 * until `retentionSeconds` after it stopped signing (what it signed — access tokens, public links —
 * stays verifiable until it expires).
 */
export function publishedKeys<K extends KeyTimes>(keys: readonly K[], now: Date, retentionSeconds: number): K[] {
  const current = signingKey(keys, now);
  return keys.filter((k) => {
    if (k.signsFrom > now || k === current) return true;
    // It stopped signing when the next key (by signsFrom) started.
    const successor = keys.filter((n) => n.signsFrom > k.signsFrom && n.signsFrom <= now).sort((a, b) => a.signsFrom.getTime() - b.signsFrom.getTime())[0];
    return !successor || now.getTime() - successor.signsFrom.getTime() <= retentionSeconds * 1000;
  });
}

/** Whether automatic rotation should add a key: none exists, or the signing one is old and none is waiting. */
export function rotationDue(keys: readonly KeyTimes[], now: Date, rotateDays: number): 'first' | 'rotate' | undefined {
  const current = signingKey(keys, now);
  if (!current) return keys.length ? undefined : 'first';
  if (rotateDays <= 0 || keys.some((k) => k.signsFrom > now)) return undefined;
  return now.getTime() - current.signsFrom.getTime() >= rotateDays * 86_400_000 ? 'rotate' : undefined;
}
