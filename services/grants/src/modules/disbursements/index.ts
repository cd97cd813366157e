/** What other modules of grants may use from disbursements (its wiring is disbursements.module.ts). */
export { remaining, unscheduled, fullyDisbursed, DISBURSEMENT_STATUSES, type DisbursementStatus } from './disbursement';
