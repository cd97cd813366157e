// What other modules may import from jobs (its wiring is jobs.module.ts).
export { splitLargestRemainder, type Weighted } from './split';
export { previewCommonExpense, type Preview } from './preview';
export { bulkSweeperOf, type BulkSweeper } from './sweeper';
