// What other modules may import from buildings (its wiring is building.module.ts).
export { apartmentLoader, buildingLoader } from './building.loaders';
export { loadApartment } from './manage-apartments';
export { loadBuilding, type Command } from './manage-buildings';
export { apartmentByReference, findApartments, type ApartmentRow, type BuildingRow } from './building.store';
export { CHANNELS, optionalText, type Channel } from './building';
