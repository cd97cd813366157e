// What other modules (and tests) may import from runs (its wiring is run.module.ts).
export { dunningWorkerOf, type DunningWorker } from './worker';
export { remindersOf } from './run.store';
export { BULK_REMINDER_TEMPLATE } from './templates';
