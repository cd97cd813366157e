import type { EntityManager } from 'typeorm';
import { badInput, idempotent, type EventRegistry } from '@commonhold/kit';
import { loadSettings } from '../../shared/settings.store';
import { evaluateAgreements } from './agreement.store';
import { isValidDate, toDateString } from './schedule';

type Input = Record<string, unknown> & { idempotencyKey: string };

/** Applies due instalments and lapses agreements as of a date (not in the future). */
export function evaluateRecurringAgreements(m: EntityManager, registry: EventRegistry, cmd: { tenantId: string; actor: string; input: Input }) {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'evaluateRecurringAgreements', input, async () => {
    if (!isValidDate(input.asOf)) throw badInput('input.asOf', 'asOf must be a calendar date YYYY-MM-DD');
    const tomorrow = toDateString(new Date(Date.now() + 86_400_000));
    if (input.asOf > tomorrow) throw badInput('input.asOf', 'asOf must not be in the future');
    const { lapseAfterMissedInstalments } = await loadSettings(m);
    const r = await evaluateAgreements(m, registry, tenantId, actor, input.asOf, lapseAfterMissedInstalments);
    return { evaluated: r.evaluated, instalmentsApplied: r.instalmentsApplied, lapsed: r.lapsed };
  });
}
