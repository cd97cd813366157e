import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, requiredText } from '@commonhold/kit';
import { code } from './reference';
import { insertReference } from './reference.store';

/** Creates a campaign (its code unique in the tenant); returns its id. */
export function createCampaign(m: EntityManager, cmd: { tenantId: string; input: Record<string, unknown> & { idempotencyKey: string } }): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createCampaign', input, async () => {
    const id = randomUUID();
    await insertReference(m, 'campaigns', { id, tenantId, code: code('input.code', input.code), name: requiredText('input.name', input.name, 200) });
    return id;
  });
}
