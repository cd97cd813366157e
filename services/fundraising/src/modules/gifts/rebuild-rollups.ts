import type { EntityManager } from 'typeorm';
import { idempotent, writeAudit } from '@commonhold/kit';
import { recomputeAllRollups } from './rollup.store';

/** Recomputes every giving rollup of the tenant from its gifts (an operator's repair); returns the counts. */
export function rebuildRollups(m: EntityManager, cmd: { tenantId: string; actor: string; input: { idempotencyKey: string } }) {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'rebuildRollups', input, async () => {
    const counts = await recomputeAllRollups(m, tenantId);
    await writeAudit(m, { tenantId, actor, action: 'rollups.rebuilt', entityType: 'GivingRollups', entityId: tenantId, after: counts });
    return counts;
  });
}
