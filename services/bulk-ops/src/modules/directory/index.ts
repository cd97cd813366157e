// What other modules may import from directory (its wiring is directory.module.ts).
export { apartmentFacts, buildingFact, type ContactOwner, type DirectoryApartment } from './directory.store';
