// What other modules (and tests) may import from kpis (its wiring is kpis.module.ts).
export { kpiPassOf, type KpiPass } from './kpi-pass';
export { collectionRates, mismatchRatio } from './kpis';
export { movements, reconciliation } from './kpis.store';
