// What other modules may import from directory (its wiring is directory.module.ts).
export { buildingApartments, findBuilding, type DirectoryApartment } from './directory.store';
export { buildingReadableByOwners, OWNERS_BUILDING } from './directory.migration';
