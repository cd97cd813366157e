// What other modules may import from directory (its wiring is directory.module.ts).
export { buildingFact } from './directory.store';
