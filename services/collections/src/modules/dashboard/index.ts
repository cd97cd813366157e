// What other modules may import from dashboard (its wiring is dashboard.module.ts).
export { collectionRateBasisPoints } from './dashboard';
