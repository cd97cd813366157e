// What other modules may import from automation (its wiring is automation.module.ts).
export { workOrderRequestId } from './execute-rules';
