import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { ScopeClaim } from './scope';

/**
 * The embedded default's signing key: created on first start under `dir`, kept across restarts.
 * `jwks.json` holds only the public key (what services verify with). Never used in production.
 */
export async function ensureDevKeys(dir: string): Promise<{ jwksFile: string; privateKeyFile: string }> {
  const jwksFile = join(dir, 'jwks.json');
  const privateKeyFile = join(dir, 'private-key.jwk.json');
  if (!existsSync(jwksFile) || !existsSync(privateKeyFile)) {
    mkdirSync(dir, { recursive: true });
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${Date.now().toString(36)}`;
    const pub = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const priv = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
    writeFileSync(privateKeyFile, JSON.stringify(priv), { mode: 0o600 });
    writeFileSync(jwksFile, JSON.stringify({ keys: [pub] }));
  }
  return { jwksFile, privateKeyFile };
}

export interface TokenClaims {
  tenantId: string;
  userId?: string;
  roles?: string[];
  scope?: ScopeClaim;
  issuer?: string;
  audience?: string;
  expiresIn?: string;
}

/** Signs a token with a private JWK (the dev key, or a test key). */
export async function signToken(privateJwk: JWK, c: TokenClaims): Promise<string> {
  if (process.env.NODE_ENV === 'production') throw new Error('Development tokens are refused when NODE_ENV=production');
  const key = await importJWK(privateJwk, 'ES256');
  return new SignJWT({ tid: c.tenantId, roles: c.roles ?? ['admin'], scope: c.scope ?? 'global' })
    .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid })
    .setSubject(c.userId ?? `user-${c.tenantId}`)
    .setIssuer(c.issuer ?? 'commonhold-identity')
    .setAudience(c.audience ?? 'commonhold')
    .setIssuedAt()
    .setExpirationTime(c.expiresIn ?? '12h')
    .sign(key);
}

export function readPrivateKey(file: string): JWK {
  return JSON.parse(readFileSync(file, 'utf8')) as JWK;
}
