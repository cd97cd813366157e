import type { EntityManager } from 'typeorm';
import { idempotent, newEvent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import type { Command } from '../buildings';
import { todayUtc } from '../ledger';
import { evaluatePromise } from './promise';
import { activePromise, activePromisesBatch, paymentsSince, resolvePromiseRow, type PromiseRow } from './promise.store';

/** Evaluates one active promise on `asOf`; on kept or broken: the row, an audit event and an event, in the caller's transaction. */
export async function evaluateOne(m: EntityManager, registry: EventRegistry, tenantId: string, actor: string, p: PromiseRow, asOf: string): Promise<PromiseRow['status']> {
  const payments = await paymentsSince(m, tenantId, p.apartmentId, p.baselineSeq);
  const result = evaluatePromise(p.instalments, payments, asOf);
  if (result.status === 'active') {
    if (result.paidMinor !== p.paidMinor) await resolvePromiseRow(m, tenantId, p.id, { status: 'active', paidMinor: result.paidMinor, shortOn: null, on: asOf });
    return 'active';
  }
  await resolvePromiseRow(m, tenantId, p.id, { status: result.status, paidMinor: result.paidMinor, shortOn: result.shortOn ?? null, on: asOf });
  await writeAudit(m, {
    tenantId,
    actor,
    action: `promise-to-pay.${result.status}`,
    entityType: 'promise-to-pay',
    entityId: p.id,
    before: { status: 'active', paidMinor: p.paidMinor },
    after: { status: result.status, paidMinor: result.paidMinor, shortOn: result.shortOn ?? null, evaluatedOn: asOf },
  });
  const base = { promiseId: p.id, apartmentId: p.apartmentId, buildingId: p.buildingId, currency: p.currency, instalments: p.instalments, paidMinor: result.paidMinor, evaluatedOn: asOf };
  await publishEvents(m, registry, tenantId, [
    result.status === 'kept'
      ? newEvent('commonhold.collections.promise-to-pay.kept.v1', p.id, base, p.apartmentId)
      : newEvent('commonhold.collections.promise-to-pay.broken.v1', p.id, { ...base, shortOn: result.shortOn! }, p.apartmentId),
  ]);
  return result.status;
}

/** Evaluates the apartment's active promise, if any, after a ledger change (the payment consumer). */
export async function evaluateApartmentPromise(m: EntityManager, registry: EventRegistry, tenantId: string, apartmentId: string, asOf = todayUtc()): Promise<PromiseRow['status'] | null> {
  const p = await activePromise(m, tenantId, apartmentId, { lock: true });
  return p ? evaluateOne(m, registry, tenantId, 'collections.promise-evaluation', p, asOf) : null;
}

/**
 * Evaluates every active promise of the tenant on today's date (UTC): the daily evaluation, also
 * run by hand. Returns how many were kept, broken and are still active.
 */
export function evaluatePromisesToPay(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>, today = todayUtc()) {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'evaluatePromisesToPay', input, async () => {
    // Always on today: evaluating on another day could call a promise broken that a later payment kept.
    const asOf = today;
    const counts = { kept: 0, broken: 0, active: 0 };
    let after: string | null = null;
    for (;;) {
      const batch = await activePromisesBatch(m, tenantId, after, 200);
      for (const p of batch) counts[await evaluateOne(m, registry, tenantId, cmd.actor, p, asOf)]++;
      if (batch.length < 200) break;
      after = batch.at(-1)!.id;
    }
    return counts;
  });
}
