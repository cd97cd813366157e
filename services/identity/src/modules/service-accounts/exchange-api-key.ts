import { unauthenticated, withTenant } from '@commonhold/kit';
import type { DataSource } from 'typeorm';
import type { IdentityConfig } from '../../config';
import type { KeyRing } from '../signing-keys';
import { parseApiKey } from './api-key';
import { apiKeyHash } from './manage-service-accounts';
import { findAccount, useApiKey } from './service-account.store';

/**
 * Exchanges a live API key for a short access token of its service account (sub = the account id,
 * its roles and scope), as OAuth's client-credentials grant does: services keep verifying JWTs only.
 */
export async function exchangeApiKey(d: { ds: DataSource; ring: KeyRing; config: IdentityConfig }, key: unknown): Promise<{ accessToken: string; expiresIn: number }> {
  const parsed = parseApiKey(key);
  if (!parsed) throw unauthenticated('The API key is invalid, expired or revoked');
  const account = await withTenant(d.ds, parsed.tenantId, async (m) => {
    const used = await useApiKey(m, parsed.tenantId, apiKeyHash(key as string));
    return used ? findAccount(m, parsed.tenantId, used.serviceAccountId) : null;
  });
  if (!account) throw unauthenticated('The API key is invalid, expired or revoked');
  const expiresIn = d.config.ACCESS_TOKEN_TTL_SECONDS;
  const accessToken = await d.ring.sign({ tid: parsed.tenantId, roles: account.roles, scope: account.scope, svc: true }, { subject: account.id, lifetimeSeconds: expiresIn });
  return { accessToken, expiresIn };
}
