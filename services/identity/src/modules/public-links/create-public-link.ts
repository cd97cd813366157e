import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, writeAudit } from '@commonhold/kit';
import type { Scope } from '../../shared/scope-rules';
import { linkTerms } from './public-link';
import { insertLink } from './public-link.store';

export interface CreatePublicLink {
  tenantId: string;
  actor: string;
  actorScope: Scope;
  maxDays: number;
  input: { purpose?: unknown; subjectId?: unknown; expiresAt?: unknown; maxUses?: unknown; scope?: unknown; idempotencyKey: string };
}

/** Creates a signed public link's record: validate → write the row and its audit event → its id (the token is signed from the row). */
export function createPublicLink(m: EntityManager, cmd: CreatePublicLink): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createPublicLink', input, async () => {
    const terms = linkTerms(input, cmd.actorScope, new Date(), cmd.maxDays);
    const id = randomUUID();
    await insertLink(m, tenantId, { id, ...terms, createdBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'public_link.created', entityType: 'PublicLink', entityId: id, after: { ...terms } });
    return id;
  });
}
