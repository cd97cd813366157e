// What other modules may import from queue (its wiring is queue.module.ts).
export { queueStatus, type QueueStatus } from './queue';
