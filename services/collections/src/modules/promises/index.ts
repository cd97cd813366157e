// What other modules may import from promises.
export { promisesModule } from './promise.module';
export { activePromise, type PromiseRow } from './promise.store';
export { evaluateApartmentPromise, evaluatePromisesToPay } from './evaluate-promises';
