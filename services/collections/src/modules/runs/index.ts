// What other modules (and tests) may import from runs (its wiring is run.module.ts).
export { dunningWorkerOf, type DunningWorker } from './worker';
