import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MixedList } from 'typeorm';
import { ensureDevKeys, migrate, provisionDatabase, readPrivateKey, signToken, type TokenClaims } from '@commonhold/kit';

/** Unique, lowercase prefix for one test's databases, roles and Kafka topics (dropped in teardown). */
export function uniquePrefix(): string {
  return `t${process.env.TEST_RUN_ID ?? 'local'}_${randomBytes(3).toString('hex')}_`;
}

export function adminUrl(): string {
  const url = process.env.PG_ADMIN_URL;
  if (!url) throw new Error('PG_ADMIN_URL is unset: run tests through jest (globalSetup provisions PostgreSQL)');
  return url;
}

/** A migrated database for one service, reached as its non-owner app role (RLS applies). */
export async function createTestDatabase(service: string, migrations: MixedList<Function>) {
  const prefix = uniquePrefix();
  // Database and role names use `_` for a kebab-case service's `-` (bulk-ops → bulk_ops), as the platform does.
  const name = service.replace(/-/g, '_');
  const db = await provisionDatabase({ adminUrl: adminUrl(), database: `${prefix}${name}`, appRole: `${prefix}${name}_app`, appPassword: 'test-password' });
  await migrate(db.ownerUrl, migrations);
  return db;
}

/** A signing key for the test process and a way to mint tokens for any tenant. */
export async function testKeys() {
  const dir = mkdtempSync(join(tmpdir(), 'commonhold-keys-'));
  const keys = await ensureDevKeys(dir);
  const priv = readPrivateKey(keys.privateKeyFile);
  return { jwksFile: keys.jwksFile, token: (tenantId: string, claims: Partial<TokenClaims> = {}) => signToken(priv, { tenantId, ...claims }) };
}

/** Polls `fn` until it returns a truthy value (eventual consistency), failing with the last value. */
export async function eventually<T>(fn: () => Promise<T>, { timeoutMs = 15_000, intervalMs = 50 } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`eventually: timed out after ${timeoutMs} ms; last value ${JSON.stringify(last)}${lastErr ? `, last error ${(lastErr as Error).message}` : ''}`);
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  headers: Headers;
}

/**
 * POSTs one GraphQL operation as a current client would: accepting `application/graphql-response+json`
 * (request errors are HTTP 4xx) before legacy `application/json` (where they are 200, per the spec).
 */
export async function gql<T = any>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GqlResult<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9', ...headers }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: GqlResult['errors'] };
  return { status: res.status, data: body.data ?? undefined, errors: body.errors, headers: res.headers };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
