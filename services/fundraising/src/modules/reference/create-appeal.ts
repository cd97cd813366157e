import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, isUuid, notFound, requiredText } from '@commonhold/kit';
import { code } from './reference';
import { insertReference } from './reference.store';

/** Creates an appeal, optionally under a campaign of the tenant; returns its id. */
export function createAppeal(m: EntityManager, cmd: { tenantId: string; input: Record<string, unknown> & { idempotencyKey: string } }): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createAppeal', input, async () => {
    const id = randomUUID();
    let campaignId: string | null = null;
    if (input.campaignId != null) {
      if (!isUuid(input.campaignId) || !(await m.query(`SELECT 1 FROM campaigns WHERE id = $1`, [input.campaignId])).length) {
        throw notFound('input.campaignId', `No campaign ${String(input.campaignId)}`);
      }
      campaignId = input.campaignId;
    }
    await insertReference(m, 'appeals', { id, tenantId, campaignId, code: code('input.code', input.code), name: requiredText('input.name', input.name, 200) });
    return id;
  });
}
