import type { EntityManager } from 'typeorm';
import { AppError, idempotent, notFound, type EventRegistry, type TenantSecrets } from '@commonhold/kit';
import { intakeDeps } from './deps';
import { loadEvent } from './inbox.store';
import { processProviderEvent } from './process-provider-event';

type Input = Record<string, unknown> & { idempotencyKey: string };

/** Runs a FAILED or STAGED provider event through intake again; returns its id. */
export function reprocessProviderEvent(m: EntityManager, env: { registry: EventRegistry; secrets: TenantSecrets }, cmd: { tenantId: string; input: Input }): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'reprocessProviderEvent', input, async () => {
    const row = await loadEvent(m, input.id);
    if (!row) throw notFound('input.id', `No provider event ${String(input.id)}`);
    if (row.status === 'PROCESSED' || row.status === 'IGNORED') throw new AppError('CONFLICT', `The event is already ${row.status}; only FAILED or STAGED events are reprocessed`, { field: 'input.id' });
    const after = await processProviderEvent(m, { ...env, deps: intakeDeps() }, row.id);
    if (!after) throw new AppError('CONFLICT', 'The event is being processed by another request; retry', { field: 'input.id' });
    return row.id;
  });
}
