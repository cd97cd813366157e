import type { EntityManager } from 'typeorm';
import { badInput, idempotent, writeAudit } from '@commonhold/kit';
import { recomputeAllRollups } from '../gifts';
import { loadSettings } from '../../shared/settings.store';

/**
 * Changes the tenant's fundraising settings (absent fields keep their value). A new fiscal-year start
 * month rebuilds the giving rollups' fiscal-year buckets in the same transaction.
 */
export async function updateFundraisingSettings(m: EntityManager, cmd: { tenantId: string; actor: string; input: Record<string, unknown> & { idempotencyKey: string } }): Promise<void> {
  const { tenantId, actor, input } = cmd;
  await idempotent(m, tenantId, 'updateFundraisingSettings', input, async () => {
    const before = await loadSettings(m);
    const next = { ...before };
    if (input.householdsEnabled != null) next.householdsEnabled = Boolean(input.householdsEnabled);
    if (input.fiscalYearStartMonth != null) {
      const v = input.fiscalYearStartMonth as number;
      if (!Number.isInteger(v) || v < 1 || v > 12) throw badInput('input.fiscalYearStartMonth', 'fiscalYearStartMonth must be a month number from 1 to 12');
      next.fiscalYearStartMonth = v;
    }
    if (input.lapseAfterMissedInstalments != null) {
      const v = input.lapseAfterMissedInstalments as number;
      if (!Number.isInteger(v) || v < 1 || v > 24) throw badInput('input.lapseAfterMissedInstalments', 'lapseAfterMissedInstalments must be from 1 to 24');
      next.lapseAfterMissedInstalments = v;
    }
    if (input.defaultCurrency != null) {
      if (typeof input.defaultCurrency !== 'string' || !/^[A-Z]{3}$/.test(input.defaultCurrency)) throw badInput('input.defaultCurrency', 'defaultCurrency must be an ISO 4217 code such as GBP');
      next.defaultCurrency = input.defaultCurrency;
    }
    await m.query(
      `INSERT INTO fundraising_settings (tenant_id, households_enabled, fiscal_year_start_month, lapse_after_missed_instalments, default_currency, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (tenant_id) DO UPDATE SET households_enabled = $2, fiscal_year_start_month = $3, lapse_after_missed_instalments = $4, default_currency = $5, updated_at = now()`,
      [tenantId, next.householdsEnabled, next.fiscalYearStartMonth, next.lapseAfterMissedInstalments, next.defaultCurrency],
    );
    // Fiscal-year buckets depend on the start month: rebuild them in the same transaction.
    if (next.fiscalYearStartMonth !== before.fiscalYearStartMonth) await recomputeAllRollups(m, tenantId);
    await writeAudit(m, { tenantId, actor, action: 'settings.updated', entityType: 'FundraisingSettings', entityId: tenantId, before, after: next });
    return true;
  });
}
