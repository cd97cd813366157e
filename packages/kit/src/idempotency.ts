import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput } from './errors';

/**
 * Stable JSON (sorted keys) so the same input always fingerprints the same. A field sent as `null`
 * and a field left out mean the same to every use case ("not given"), so both are dropped.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function fingerprint(input: Record<string, unknown>): string {
  const { idempotencyKey: _ignored, ...rest } = input;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/**
 * Runs a side effect at most once per (tenant, operation, key) inside the caller's tenant
 * transaction. The key row is inserted first: a concurrent duplicate blocks on the unique index
 * until the first commits, then reads its stored result. Same key + other input → IDEMPOTENCY_CONFLICT.
 */
export async function idempotent<T>(
  m: EntityManager,
  tenantId: string,
  operation: string,
  input: Record<string, unknown> & { idempotencyKey?: unknown },
  effect: () => Promise<T>,
): Promise<T> {
  const key = input.idempotencyKey;
  if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
    throw badInput('input.idempotencyKey', 'idempotencyKey must be a string of 1 to 200 characters');
  }
  const fp = fingerprint(input);
  const inserted = await m.query(
    `INSERT INTO idempotency_keys (tenant_id, operation, key, fingerprint) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key`,
    [tenantId, operation, key, fp],
  );
  if (inserted.length) {
    const result = await effect();
    await m.query(`UPDATE idempotency_keys SET result = $4::jsonb WHERE tenant_id = $1 AND operation = $2 AND key = $3`, [
      tenantId,
      operation,
      key,
      JSON.stringify(result ?? null),
    ]);
    return result;
  }
  const [prior] = await m.query(`SELECT fingerprint, result FROM idempotency_keys WHERE tenant_id = $1 AND operation = $2 AND key = $3`, [
    tenantId,
    operation,
    key,
  ]);
  if (!prior) throw new AppError('CONFLICT', 'The idempotency key is in use by a request that has not finished; retry');
  if (prior.fingerprint !== fp) {
    throw new AppError('IDEMPOTENCY_CONFLICT', `idempotencyKey "${key}" was already used for ${operation} with different input`, {
      field: 'input.idempotencyKey',
    });
  }
  return prior.result as T;
}
