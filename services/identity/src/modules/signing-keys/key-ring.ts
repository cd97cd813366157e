import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { withTenant, type ServiceRuntime } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import { publishedKeys, rotationDue, signingKey } from './signing-key';
import { allKeys, type SigningKeyRow } from './signing-key.store';

// Ed25519: small keys, fast, and deterministic signatures (a replayed createPublicLink answers the same token).
const ALG = 'EdDSA';
/** Keys are re-read at most this often, so a rotation made by another replica shows within seconds. */
const RELOAD_MS = 5_000;
/**
 * Private keys are sealed with the kit's envelope encryption (docs/runbooks/secrets.md) under this
 * pseudo-tenant: the keys belong to the platform, and a database dump without SECRETS_KEKS cannot sign.
 */
const KEY_TENANT = '_identity_keys';
const SEAL_CONTEXT = 'signing_keys.private_jwk';

/**
 * identity's signing keys: signs access tokens and public links with the current key, serves the
 * JWKS, and rotates (a new key is published `SIGNING_KEY_PUBLISH_LEAD_SECONDS` before it signs).
 */
export class KeyRing {
  private keys: SigningKeyRow[] = [];
  private loadedAt = 0;
  private readonly imported = new Map<string, Awaited<ReturnType<typeof importJWK>>>();

  constructor(
    private readonly rt: Pick<ServiceRuntime, 'ds' | 'log' | 'secrets'>,
    private readonly config: Pick<IdentityConfig, 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'SIGNING_KEY_PUBLISH_LEAD_SECONDS' | 'SIGNING_KEY_ROTATE_DAYS' | 'PUBLIC_LINK_MAX_DAYS' | 'JWT_MAX_LIFETIME_SECONDS'>,
  ) {}

  private async load(force = false): Promise<SigningKeyRow[]> {
    if (force || Date.now() - this.loadedAt > RELOAD_MS) {
      this.keys = await allKeys(this.rt.ds);
      this.loadedAt = Date.now();
    }
    return this.keys;
  }

  /** Adds a key when none exists (signing at once) or the current one is due (signing after the lead). */
  async ensure(now = new Date()): Promise<void> {
    const due = rotationDue(await this.load(true), now, this.config.SIGNING_KEY_ROTATE_DAYS);
    if (due) await this.addKey(due === 'first' ? 0 : this.config.SIGNING_KEY_PUBLISH_LEAD_SECONDS, due);
  }

  /** Publishes a new key now that signs after `leadSeconds` (the rotation runbook's step). Returns its kid. */
  async rotate(leadSeconds = this.config.SIGNING_KEY_PUBLISH_LEAD_SECONDS): Promise<string> {
    return this.addKey(leadSeconds, 'rotate');
  }

  private async addKey(leadSeconds: number, why: 'first' | 'rotate'): Promise<string> {
    // One replica adds a key at a time; the others see it when they re-read.
    return this.rt.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))`);
      const existing = await allKeys(m);
      if (why === 'first' && existing.length) return existing[0]!.kid;
      const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
      const kid = `ch-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
      const signsFrom = new Date(Date.now() + leadSeconds * 1000);
      const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: ALG });
      const sealed = await withTenant(this.rt.ds, KEY_TENANT, (km) => this.rt.secrets.seal(km, KEY_TENANT, privateJwk, SEAL_CONTEXT));
      await m.query('INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, signs_from) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)', [
        kid,
        ALG,
        JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' }),
        JSON.stringify(sealed),
        signsFrom,
      ]);
      this.loadedAt = 0;
      this.rt.log.info({ kid, signsFrom, why }, 'signing key added');
      return kid;
    });
  }

  private async privateJwk(key: SigningKeyRow): Promise<JWK> {
    if (typeof key.privateJwk !== 'string') return key.privateJwk; // never sealed (none are written so)
    const sealed = key.privateJwk;
    return JSON.parse(await withTenant(this.rt.ds, KEY_TENANT, (m) => this.rt.secrets.open(m, KEY_TENANT, sealed, SEAL_CONTEXT))) as JWK;
  }

  /** The public keys verifiers may meet now (`/.well-known/jwks.json`). */
  async jwks(now = new Date()): Promise<{ keys: JWK[] }> {
    const retention = Math.max(this.config.PUBLIC_LINK_MAX_DAYS * 86_400, this.config.JWT_MAX_LIFETIME_SECONDS);
    return { keys: publishedKeys(await this.load(), now, retention).map((k) => k.publicJwk) };
  }

  /** Signs `claims` with the current key; `aud`/`typ` distinguish access tokens from public links. */
  async sign(claims: JWTPayload, opts: { audience?: string; typ?: string; lifetimeSeconds: number; subject: string; jti?: string; issuedAt?: Date }): Promise<string> {
    let key = signingKey(await this.load(), new Date());
    if (!key) {
      await this.ensure();
      key = signingKey(await this.load(true), new Date());
    }
    if (!key) throw new Error('identity has no signing key');
    let imported = this.imported.get(key.kid);
    if (!imported) this.imported.set(key.kid, (imported = await importJWK(await this.privateJwk(key), key.alg)));
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, ...(opts.typ ? { typ: opts.typ } : {}) })
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(opts.audience ?? this.config.JWT_AUDIENCE)
      .setSubject(opts.subject)
      .setIssuedAt(Math.floor((opts.issuedAt?.getTime() ?? Date.now()) / 1000))
      .setExpirationTime(Math.floor((opts.issuedAt?.getTime() ?? Date.now()) / 1000) + opts.lifetimeSeconds);
    if (opts.jti) jwt.setJti(opts.jti);
    return jwt.sign(imported);
  }
}

const rings = new WeakMap<object, KeyRing>();

/** The service's key ring (one per running service). */
export function keyRing(rt: ServiceRuntime): KeyRing {
  let ring = rings.get(rt);
  if (!ring) rings.set(rt, (ring = new KeyRing(rt, rt.config as IdentityConfig)));
  return ring;
}
