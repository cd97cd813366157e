import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, writeAudit } from '@commonhold/kit';
import { findMembership, findUser, upsertMembership } from './account.store';
import { parseRoles, parseScope, scopeWithin, type Scope } from './membership';

export interface ChangeMembership {
  tenantId: string;
  actor: string;
  actorScope: Scope;
  input: { userId?: unknown; roles?: unknown; scope?: unknown; idempotencyKey: string };
}

/**
 * Changes a member's roles and scope, audited with before and after. Their next refresh carries
 * the new claims; access tokens already issued keep the old ones until they expire (≤ 15 min).
 */
export function changeMembership(m: EntityManager, cmd: ChangeMembership): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'changeMembership', input, async () => {
    if (!isUuid(input.userId)) throw badInput('input.userId', 'userId must be a user id');
    const roles = parseRoles('input.roles', input.roles);
    const scope = parseScope('input.scope', input.scope, roles);
    if (!scopeWithin(scope, cmd.actorScope)) throw badInput('input.scope', 'You cannot grant a scope beyond your own');
    const user = await findUser(m, tenantId, input.userId);
    if (!user) throw notFound('input.userId', 'No such user');
    const before = await findMembership(m, tenantId, user.id);
    await upsertMembership(m, tenantId, user.id, { roles, scope });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'membership.changed', entityType: 'Membership', entityId: user.id, before, after: { roles, scope } });
    return user.id;
  });
}
