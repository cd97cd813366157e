import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, newEvent, notFound, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { isIsoDate, utcDate } from './dates';
import { cancellationEffect } from './declaration-rules';
import { DECLARATION_CHANGED } from './record-declaration';

export interface CancelDeclarationCommand {
  tenantId: string;
  actor: string;
  input: { declarationId: unknown; reason: unknown; cancelledAt?: unknown; idempotencyKey: string };
  now?: Date;
}

/**
 * Cancels a declaration (ACTIVE or SUPERSEDED): coverage stops from `cancelledAt` (default today);
 * an ORAL declaration cancelled within 30 days of its written record is void from the start, so
 * gifts claimed under it become adjustments in the next claim.
 */
export async function cancelGiftAidDeclaration(m: EntityManager, registry: EventRegistry, cmd: CancelDeclarationCommand): Promise<{ declarationId: string }> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'cancelGiftAidDeclaration', input, async () => {
    const now = cmd.now ?? new Date();
    const today = utcDate(now);
    if (typeof input.reason !== 'string' || !input.reason.trim()) throw badInput('input.reason', 'reason must not be blank');
    if (input.reason.trim().length > 500) throw badInput('input.reason', 'reason must be at most 500 characters');
    if (input.cancelledAt != null && !isIsoDate(input.cancelledAt)) throw badInput('input.cancelledAt', 'cancelledAt must be a date YYYY-MM-DD');
    const cancelledAt = (input.cancelledAt as string | null | undefined) ?? today;
    if (!isUuid(input.declarationId)) throw notFound('input.declarationId', `No Gift Aid declaration ${String(input.declarationId)}`);
    const [d] = await m.query(`SELECT * FROM gift_aid_declarations WHERE id = $1 FOR UPDATE`, [input.declarationId]);
    if (!d) throw notFound('input.declarationId', `No Gift Aid declaration ${input.declarationId}`);
    if (d.status === 'CANCELLED') throw new AppError('CONFLICT', `The declaration was already cancelled on ${d.cancelled_at}`, { field: 'input.declarationId' });
    const effect = cancellationEffect({ method: d.method, declaredAt: d.declared_at, confirmationSentAt: d.oral_confirmation_sent_at, coversTo: d.covers_to }, cancelledAt, today);
    await m.query(
      `UPDATE gift_aid_declarations SET status = 'CANCELLED', cancelled_at = $2, cancellation_reason = $3, covers_to = $4, retroactively_cancelled = $5, updated_at = $6 WHERE id = $1`,
      [d.id, cancelledAt, input.reason.trim(), effect.coversTo, effect.retroactive, now],
    );
    await publishEvents(m, registry, tenantId, [
      newEvent(
        DECLARATION_CHANGED,
        d.id,
        { declarationId: d.id, contactId: d.contact_id, status: 'CANCELLED', kind: d.kind, method: d.method, change: 'CANCELLED', retroactive: effect.retroactive, at: now.toISOString() },
        d.contact_id,
      ),
    ]);
    await writeAudit(m, {
      tenantId,
      actor,
      action: 'gift-aid-declaration.cancelled',
      entityType: 'GiftAidDeclaration',
      entityId: d.id,
      before: { status: d.status, coversTo: d.covers_to },
      after: { status: 'CANCELLED', cancelledAt, reason: input.reason.trim(), coversTo: effect.coversTo, retroactive: effect.retroactive },
    });
    return { declarationId: d.id as string };
  });
}
