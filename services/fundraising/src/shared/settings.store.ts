import type { EntityManager } from 'typeorm';

/** A tenant's fundraising settings; the defaults apply until the tenant changes them. */
export interface FundraisingSettings {
  householdsEnabled: boolean;
  /** 1-12: the fiscal year starts on the 1st of this month (UTC). */
  fiscalYearStartMonth: number;
  lapseAfterMissedInstalments: number;
  defaultCurrency: string;
}

export const DEFAULT_SETTINGS: FundraisingSettings = {
  householdsEnabled: true,
  fiscalYearStartMonth: 4,
  lapseAfterMissedInstalments: 2,
  defaultCurrency: 'GBP',
};

/** Reads the tenant's settings inside its transaction (RLS scopes the row). */
export async function loadSettings(m: EntityManager): Promise<FundraisingSettings> {
  const [row] = await m.query(
    `SELECT households_enabled, fiscal_year_start_month, lapse_after_missed_instalments, default_currency FROM fundraising_settings LIMIT 1`,
  );
  if (!row) return { ...DEFAULT_SETTINGS };
  return {
    householdsEnabled: row.households_enabled,
    fiscalYearStartMonth: row.fiscal_year_start_month,
    lapseAfterMissedInstalments: row.lapse_after_missed_instalments,
    defaultCurrency: row.default_currency,
  };
}
