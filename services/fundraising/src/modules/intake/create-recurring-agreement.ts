import type { EntityManager } from 'typeorm';
import { badInput, idempotent, parseMoney, type EventRegistry } from '@commonhold/kit';
import { insertAgreement, requireLiveContact } from './agreement.store';
import { dayOf } from './agreement-input';
import { isValidDate, toDateString, type Period } from './schedule';

type Input = Record<string, unknown> & { idempotencyKey: string };

/** Records a MANUAL recurring agreement (standing order etc.) for a live contact; returns its id. */
export function createRecurringAgreement(m: EntityManager, registry: EventRegistry, cmd: { tenantId: string; actor: string; input: Input }): Promise<string> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'createRecurringAgreement', input, async () => {
    const amount = parseMoney('input.amount', input.amount);
    const period = input.period as Period;
    if (!['WEEKLY', 'MONTHLY', 'YEARLY', 'FIRST_AND_FIFTEENTH'].includes(period)) throw badInput('input.period', 'period must be WEEKLY, MONTHLY, YEARLY or FIRST_AND_FIFTEENTH');
    if (!isValidDate(input.startDate)) throw badInput('input.startDate', 'startDate must be a calendar date YYYY-MM-DD');
    const startDate = input.startDate;
    const dayOfMonth = dayOf(period, input.dayOfMonth, input.lastDayOfMonth, startDate);
    const type = (input.type as string | undefined) ?? 'OPEN';
    if (type !== 'OPEN' && type !== 'FIXED') throw badInput('input.type', 'type must be OPEN or FIXED');
    // `installmentsTotal` is the deprecated spelling of the same field (one spelling: instalment).
    if (input.installmentsTotal != null && input.instalmentsTotal != null && input.installmentsTotal !== input.instalmentsTotal) {
      throw badInput('input.instalmentsTotal', 'give instalmentsTotal only (installmentsTotal is its deprecated spelling)');
    }
    const givenTotal = input.instalmentsTotal ?? input.installmentsTotal;
    const totalField = input.instalmentsTotal == null && input.installmentsTotal != null ? 'input.installmentsTotal' : 'input.instalmentsTotal';
    let instalmentsTotal: number | null = null;
    if (type === 'FIXED') {
      const n = givenTotal;
      if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 1000) throw badInput(totalField, 'a FIXED agreement needs instalmentsTotal from 1 to 1000');
      instalmentsTotal = n as number;
    } else if (givenTotal != null) {
      throw badInput(totalField, 'instalmentsTotal is only for FIXED agreements');
    }
    const paymentMethod = (input.paymentMethod as string | undefined) ?? 'STANDING_ORDER';
    if (!['CARD', 'DIRECT_DEBIT', 'STANDING_ORDER', 'PAYPAL', 'JUSTGIVING', 'OTHER'].includes(paymentMethod)) throw badInput('input.paymentMethod', 'unknown paymentMethod');
    const contactId = await requireLiveContact(m, 'input.contactId', input.contactId);
    const row = await insertAgreement(
      m,
      registry,
      tenantId,
      actor,
      {
        contactId,
        provider: 'MANUAL',
        providerRef: null,
        mandateRef: null,
        paymentMethod,
        type: type as 'OPEN' | 'FIXED',
        instalmentsTotal,
        amountMinor: amount.amountMinor,
        currency: amount.currency,
        period,
        dayOfMonth,
        startDate,
        status: 'ACTIVE',
        providerEventAt: null,
      },
      toDateString(new Date()),
    );
    return row.id;
  });
}
