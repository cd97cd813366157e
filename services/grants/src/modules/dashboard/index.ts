/** What other modules may use from the grants dashboard (its wiring is dashboard.module.ts). */
export { awardConversionRate } from './dashboard';
