import type { DataSource } from 'typeorm';
import type { JWK } from 'jose';
import type { KeyTimes } from './signing-key';

export interface SigningKeyRow extends KeyTimes {
  alg: string;
  publicJwk: JWK;
  /** Sealed (a `chs1.` string, the kit's envelope encryption); opened only to sign. */
  privateJwk: string | JWK;
}

/** Signing keys are platform data (one JWKS for every tenant): read and written outside any tenant. */
export async function allKeys(ds: Pick<DataSource, 'query'>): Promise<SigningKeyRow[]> {
  const rows: { kid: string; alg: string; public_jwk: JWK; private_jwk: string | JWK; created_at: Date; signs_from: Date }[] = await ds.query(
    'SELECT kid, alg, public_jwk, private_jwk, created_at, signs_from FROM signing_keys ORDER BY signs_from',
  );
  return rows.map((r) => ({ kid: r.kid, alg: r.alg, publicJwk: r.public_jwk, privateJwk: r.private_jwk, createdAt: r.created_at, signsFrom: r.signs_from }));
}

