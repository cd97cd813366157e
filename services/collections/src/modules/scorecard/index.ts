// What other modules (and tests) may import from scorecard (its wiring is scorecard.module.ts).
export * from './scorecard';
