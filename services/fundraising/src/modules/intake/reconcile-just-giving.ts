import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, type EventRegistry, type TenantSecrets } from '@commonhold/kit';
import { intakeDeps } from './deps';
import { loadAccount, stageEvents } from './inbox.store';
import { processProviderEvent } from './process-provider-event';
import { justGivingEventId } from './providers/justgiving';

type Input = Record<string, unknown> & { idempotencyKey: string };

/** Pulls JustGiving donations made since a time, stages them in the inbox and processes each; returns the counts. */
export function reconcileJustGiving(m: EntityManager, env: { registry: EventRegistry; secrets: TenantSecrets }, cmd: { tenantId: string; input: Input }) {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'reconcileJustGiving', input, async () => {
    const since = input.since as Date;
    if (!(since instanceof Date) || Number.isNaN(since.getTime())) throw badInput('input.since', 'since must be an ISO 8601 instant');
    if (since.getTime() > Date.now()) throw badInput('input.since', 'since must not be in the future');
    const account = await loadAccount(m, 'JUSTGIVING', env.secrets);
    if (!account?.apiKey) throw new AppError('CONFLICT', 'JustGiving is not configured for this tenant (configurePaymentProvider)', { field: 'input' });
    const donations = await intakeDeps().justgiving(account).listDonations(since);
    const staged = await stageEvents(
      m,
      tenantId,
      'JUSTGIVING',
      donations.map((d) => ({ providerEventId: justGivingEventId(d), eventType: `donation.${String(d.status).toLowerCase()}`, payload: d })),
    );
    const counts = { fetched: donations.length, staged: staged.filter((s) => s.isNew).length, processed: 0, failed: 0, ignored: 0 };
    for (const s of staged) {
      const after = await processProviderEvent(m, { ...env, deps: intakeDeps() }, s.id);
      if (after?.status === 'PROCESSED') counts.processed += 1;
      else if (after?.status === 'FAILED') counts.failed += 1;
      else if (after?.status === 'IGNORED') counts.ignored += 1;
    }
    return counts;
  });
}
