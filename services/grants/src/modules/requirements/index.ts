/** What other modules of grants (and its tests) may use from requirements (its wiring is requirements.module.ts). */
export { grantsWorkerOf, type GrantsWorker } from './grants-worker';
export { REQUIREMENT_TYPES, REQUIREMENT_STATUSES, reminderDue } from './requirement';
