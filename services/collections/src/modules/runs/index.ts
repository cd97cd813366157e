// What other modules may import from runs.
export { runsModule } from "./run.module";
export { dunningWorkerOf, type DunningWorker } from "./worker";
