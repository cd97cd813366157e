import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, newEvent, notFound, parseMoney, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { FUNDED, mustFindRequest, optionalDate, updateRequest } from '../requests';
import { checkDisbursementMove, checkPaidOn, checkSchedulable, fullyDisbursed, type DisbursementStatus } from './disbursement';
import { findDisbursement, insertDisbursement, setDisbursementStatus, totalsOf, type DisbursementRow } from './disbursement.store';

interface Command<I> {
  tenantId: string;
  actor: string;
  input: I;
  now?: Date;
}

/** Schedules part of an award to be paid on a day: never more than the award leaves unscheduled. */
export function scheduleDisbursement(m: EntityManager, cmd: Command<{ requestId?: unknown; amount?: unknown; scheduledDate?: unknown; idempotencyKey: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'scheduleGrantDisbursement', input as unknown as Record<string, unknown>, async () => {
    const amount = parseMoney('input.amount', input.amount);
    const scheduledDate = optionalDate('input.scheduledDate', input.scheduledDate);
    if (!scheduledDate) throw badInput('input.scheduledDate', 'scheduledDate is required');
    const r = await mustFindRequest(m, tenantId, input.requestId);
    if (!FUNDED.includes(r.status) || r.awardedMinor == null) throw new AppError('CONFLICT', `A ${r.status} request has no award to disburse`, { field: 'input.requestId' });
    if (amount.currency !== r.currency) throw badInput('input.amount.currency', `The grant is in ${r.currency}`);
    checkSchedulable(await totalsOf(m, tenantId, r.id, r.awardedMinor), amount.amountMinor);
    const id = randomUUID();
    const now = cmd.now ?? new Date();
    await insertDisbursement(m, { id, tenantId, requestId: r.id, amountMinor: amount.amountMinor, currency: amount.currency, scheduledDate }, now);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'grant-disbursement.scheduled', entityType: 'GrantDisbursement', entityId: id, after: { requestId: r.id, amount, scheduledDate } });
    return id;
  });
}

type MoveInput = { disbursementId?: unknown; paidOn?: unknown; idempotencyKey: string };

/**
 * One status move of a disbursement (submit for approval, approve, cancel, pay): the request is
 * locked first, so concurrent moves on one grant serialise and `remaining` stays exact. Paying
 * emits `grants.disbursement.paid.v1` through the outbox (fundraising records the gift) and, when
 * nothing remains, marks the grant FULLY_DISBURSED.
 */
export function moveDisbursement(m: EntityManager, registry: EventRegistry, operation: string, to: DisbursementStatus, cmd: Command<MoveInput>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, operation, input as unknown as Record<string, unknown>, async () => {
    const now = cmd.now ?? new Date();
    const today = now.toISOString().slice(0, 10);
    let paidOn: string | null = null;
    if (to === 'PAID') {
      paidOn = optionalDate('input.paidOn', input.paidOn) ?? today;
      checkPaidOn(paidOn, today);
    } else if (input.paidOn != null) throw badInput('input.paidOn', 'paidOn is only for paying a disbursement');
    if (!isUuid(input.disbursementId)) throw notFound('input.disbursementId', `No disbursement ${String(input.disbursementId)}`);
    const peek = await findDisbursement(m, tenantId, input.disbursementId);
    if (!peek) throw notFound('input.disbursementId', `No disbursement ${input.disbursementId}`);
    const r = await mustFindRequest(m, tenantId, peek.requestId, 'input.disbursementId');
    const d = (await findDisbursement(m, tenantId, peek.id, { lock: true })) as DisbursementRow;
    checkDisbursementMove(d.status, to);
    if (to === 'PAID' && !FUNDED.includes(r.status)) throw new AppError('CONFLICT', `The grant is ${r.status}; its disbursements cannot be paid`, { field: 'input.disbursementId' });
    await setDisbursementStatus(m, tenantId, d.id, to, paidOn, now);
    const amount = { amountMinor: d.amountMinor, currency: d.currency };
    if (to === 'PAID') {
      await publishEvents(m, registry, tenantId, [
        newEvent(
          'commonhold.grants.disbursement.paid.v1',
          d.id,
          { disbursementId: d.id, requestId: r.id, funderContactId: r.funderContactId, opportunityId: r.opportunityId, fundCode: r.fundCode, amountMinor: d.amountMinor, currency: d.currency, paidOn: paidOn! },
          r.id,
        ),
      ]);
    }
    if (to === 'PAID' || to === 'CANCELLED') {
      const t = await totalsOf(m, tenantId, r.id, r.awardedMinor);
      if (fullyDisbursed(t) && r.status === 'AWARDED') await updateRequest(m, tenantId, r.id, { status: 'FULLY_DISBURSED' }, now);
    }
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: `grant-disbursement.${to.toLowerCase().replace('_', '-')}`,
      entityType: 'GrantDisbursement',
      entityId: d.id,
      before: { status: d.status },
      after: { status: to, amount, ...(paidOn ? { paidOn } : {}) },
    });
    return d.id;
  });
}
