// What other modules may import from promises (its wiring is promise.module.ts).
export { activePromise, apartmentsWithActivePromise, type PromiseRow } from './promise.store';
export { evaluateApartmentPromise, evaluatePromisesToPay } from './evaluate-promises';
