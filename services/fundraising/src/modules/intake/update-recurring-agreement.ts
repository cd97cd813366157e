import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, notFound, parseMoney, type EventRegistry } from '@commonhold/kit';
import { scheduleOf } from './agreement';
import { loadAgreement, setStatus, updateAgreement, type AgreementPatch } from './agreement.store';
import { dayOf } from './agreement-input';
import { firstDueOnOrAfter, toDateString, TransitionError } from './schedule';

type Input = Record<string, unknown> & { idempotencyKey: string };

const transitionError = (err: unknown) => (err instanceof TransitionError ? new AppError('CONFLICT', err.message, { field: 'input.action' }) : err);

/** Changes a MANUAL agreement's amount or day, and/or pauses, resumes or closes any agreement; returns its id. */
export function updateRecurringAgreement(m: EntityManager, registry: EventRegistry, cmd: { tenantId: string; actor: string; input: Input }): Promise<string> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'updateRecurringAgreement', input, async () => {
    if (!isUuid(input.id)) throw notFound('input.id', `No recurring agreement ${String(input.id)}`);
    let a = await loadAgreement(m, input.id, true);
    if (!a) throw notFound('input.id', `No recurring agreement ${input.id}`);
    const action = input.action as 'PAUSE' | 'RESUME' | 'CLOSE' | null | undefined;
    if (action != null && !['PAUSE', 'RESUME', 'CLOSE'].includes(action)) throw badInput('input.action', 'action must be PAUSE, RESUME or CLOSE');
    const changesTerms = input.amount != null || input.dayOfMonth != null || input.lastDayOfMonth != null;
    if (!changesTerms && action == null) throw badInput('input', 'give an amount, a day or an action to change');
    if (changesTerms && a.provider !== 'MANUAL') {
      const field = input.amount != null ? 'input.amount' : input.dayOfMonth != null ? 'input.dayOfMonth' : 'input.lastDayOfMonth';
      throw badInput(field, `the terms of a ${a.provider} agreement are managed in ${a.provider}; change them there`);
    }
    if (changesTerms && a.status === 'CLOSED') throw new AppError('CONFLICT', 'A closed agreement cannot change', { field: 'input.id' });
    const patch: AgreementPatch = {};
    if (input.amount != null) {
      const amount = parseMoney('input.amount', input.amount);
      patch.amount_minor = amount.amountMinor;
      patch.currency = amount.currency;
    }
    if (input.dayOfMonth != null || input.lastDayOfMonth != null) {
      const lastDay = input.lastDayOfMonth === true;
      if (input.lastDayOfMonth === false && input.dayOfMonth == null) throw badInput('input.dayOfMonth', 'give the dayOfMonth that replaces the last day');
      patch.day_of_month = dayOf(a.period, input.dayOfMonth, lastDay, null);
      // The new day applies from today on.
      if (a.next_expected_date) patch.next_expected_date = firstDueOnOrAfter({ ...scheduleOf(a), dayOfMonth: patch.day_of_month }, toDateString(new Date()));
    }
    try {
      if (Object.keys(patch).length) a = await updateAgreement(m, registry, actor, a, patch);
      if (action) a = await setStatus(m, registry, actor, a, action, toDateString(new Date()));
    } catch (err) {
      throw transitionError(err);
    }
    return a.id;
  });
}
