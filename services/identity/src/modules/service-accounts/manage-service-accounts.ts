import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, notFound, writeAudit } from '@commonhold/kit';
import { parseRoles } from '../accounts';
import { parseScope, scopeWithin, type Scope } from '../../shared/scope-rules';
import { accountName, apiKeyExpiry, formatApiKey } from './api-key';
import { accountNamed, findAccount, findApiKey, insertAccount, insertApiKey, revokeApiKey as revokeKeyRow } from './service-account.store';

interface Cmd<I> {
  tenantId: string;
  actor: string;
  actorScope: Scope;
  input: I & { idempotencyKey: string };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Creates an integrator's service account with roles and a scope within the creator's; audited. */
export function createServiceAccount(m: EntityManager, cmd: Cmd<{ name?: unknown; roles?: unknown; scope?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createServiceAccount', input, async () => {
    const name = accountName(input.name);
    const roles = parseRoles('input.roles', input.roles);
    const scope = parseScope('input.scope', input.scope, roles);
    if (!scopeWithin(scope, cmd.actorScope)) throw badInput('input.scope', 'You cannot grant a scope beyond your own');
    if (await accountNamed(m, tenantId, name)) throw new AppError('CONFLICT', 'A service account with this name exists', { field: 'input.name' });
    const id = randomUUID();
    await insertAccount(m, tenantId, { id, name, roles, scope, createdBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'service_account.created', entityType: 'ServiceAccount', entityId: id, after: { name, roles, scope } });
    return id;
  });
}

/**
 * Creates an API key for a service account: 256 random bits, stored only as its SHA-256, answered
 * once. A replay under the same idempotency key answers the same key id with `key: null` — the
 * secret exists nowhere to be answered again.
 */
export async function createApiKey(m: EntityManager, cmd: Cmd<{ serviceAccountId?: unknown; expiresAt?: unknown }>): Promise<{ apiKeyId: string; key: string | null }> {
  const { tenantId, input } = cmd;
  let key: string | null = null;
  const apiKeyId = await idempotent(m, tenantId, 'createApiKey', input, async () => {
    const account = isUuid(input.serviceAccountId) ? await findAccount(m, tenantId, input.serviceAccountId) : null;
    // An account beyond the caller's own scope looks exactly like a missing one: a building-scoped
    // admin cannot mint a key for a tenant-wide integrator.
    if (!account || !scopeWithin(account.scope, cmd.actorScope)) throw notFound('input.serviceAccountId', 'No such service account');
    const expiresAt = apiKeyExpiry(input.expiresAt, new Date());
    const id = randomUUID();
    key = formatApiKey(tenantId, randomBytes(32).toString('base64url'));
    await insertApiKey(m, tenantId, { id, serviceAccountId: account.id, keyHash: sha256(key), expiresAt, createdBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'api_key.created', entityType: 'ApiKey', entityId: id, after: { serviceAccountId: account.id, expiresAt } });
    return id;
  });
  return { apiKeyId, key };
}

/** Revokes an API key at once (its access tokens expire within 15 minutes); audited. */
export function revokeApiKey(m: EntityManager, cmd: Cmd<{ apiKeyId?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'revokeApiKey', input, async () => {
    const key = isUuid(input.apiKeyId) ? await findApiKey(m, tenantId, input.apiKeyId) : null;
    const account = key ? await findAccount(m, tenantId, key.serviceAccountId) : null;
    if (!key || !account || !scopeWithin(account.scope, cmd.actorScope)) throw notFound('input.apiKeyId', 'No such API key');
    const revoked = (await revokeKeyRow(m, tenantId, key.id))!;
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'api_key.revoked', entityType: 'ApiKey', entityId: key.id, before: { revokedAt: key.revokedAt }, after: { revokedAt: revoked.revokedAt } });
    return key.id;
  });
}

export { sha256 as apiKeyHash };
