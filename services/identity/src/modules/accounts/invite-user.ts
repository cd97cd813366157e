import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, AppError, idempotent, requiredText, writeAudit } from '@commonhold/kit';
import { insertLink } from '../public-links';
import { findUserByEmail, insertUser, upsertMembership } from './account.store';
import { parseRoles, parseScope, scopeWithin, type Scope } from './membership';

export const INVITATION_DAYS = 7;

export interface InviteUser {
  tenantId: string;
  actor: string;
  actorScope: Scope;
  input: { email?: unknown; displayName?: unknown; roles?: unknown; scope?: unknown; idempotencyKey: string };
}

/** Normalised email: trimmed, lower-cased, one `@` with something either side, ≤ 254 characters. */
export function normaliseEmail(field: string, value: unknown): string {
  const email = requiredText(field, value, 254).toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badInput(field, 'Not an email address');
  return email;
}

/**
 * Invites a person into the tenant: an `invited` user, their membership (roles + scope, audited)
 * and a single-use invitation link (7 days) to set a password. Returns the user and link ids.
 */
export function inviteUser(m: EntityManager, cmd: InviteUser): Promise<{ userId: string; linkId: string }> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'inviteUser', input, async () => {
    const email = normaliseEmail('input.email', input.email);
    const displayName = requiredText('input.displayName', input.displayName, 200);
    const roles = parseRoles('input.roles', input.roles);
    const scope = parseScope('input.scope', input.scope, roles);
    if (!scopeWithin(scope, cmd.actorScope)) throw badInput('input.scope', 'You cannot grant a scope beyond your own');
    if (await findUserByEmail(m, tenantId, email)) throw new AppError('CONFLICT', 'A user with this email already exists in the tenant', { field: 'input.email' });
    const userId = randomUUID();
    await insertUser(m, tenantId, { id: userId, email, displayName, passwordHash: null, status: 'invited' });
    await upsertMembership(m, tenantId, userId, { roles, scope });
    const linkId = randomUUID();
    await insertLink(m, tenantId, { id: linkId, purpose: 'invitation', subjectId: userId, scope, maxUses: 1, expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000), createdBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'membership.granted', entityType: 'Membership', entityId: userId, after: { email, roles, scope } });
    return { userId, linkId };
  });
}
