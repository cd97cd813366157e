// Test support every service's specs share: idempotency keys, unique tenants, "no errors" calls
// and reading a tenant's rows as a service sees them. A service's own factories and operations
// live in `services/<name>/test/support/` and build on these.
import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import type { TestPlatform } from './platform';

/** A caller of the gateway with one tenant's token (`platform.as(tenant)`). */
export type As = ReturnType<TestPlatform['as']>;

/** A fresh idempotency key (every mutation with side effects takes one). */
export const idempotencyKey = () => `k-${randomUUID()}`;
/** A tenant id unique to this run, so specs never see each other's rows. */
export const tenantName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** Runs an operation and expects no GraphQL error; returns `data`. */
export async function ok<T = any>(as: As, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await as(query, variables);
  expect(r.errors).toBeUndefined();
  return r.data as T;
}

/** Runs an operation expecting exactly one GraphQL error; returns its `extensions` (code, field). */
export async function refused(as: As, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const r = await as(query, variables);
  expect(r.errors).toHaveLength(1);
  return { message: r.errors![0]!.message, ...r.errors![0]!.extensions };
}

/** Rows of one service's database for one tenant, as that service sees them (RLS applies). */
export function tenantRows(platform: TestPlatform, service: string, tenant: string, sql: string, params: unknown[] = []): Promise<Record<string, any>[]> {
  const svc = platform.services[service];
  if (!svc) throw new Error(`tenantRows: ${service} is not started in this platform`);
  return withTenant(svc.runtime.ds, tenant, (m) => m.query(sql, params)) as Promise<Record<string, any>[]>;
}
