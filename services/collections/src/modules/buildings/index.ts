// What other modules may import from buildings.
export { buildingsModule } from './building.module';
export { apartmentLoader, buildingLoader } from './building.resolvers';
export { loadApartment } from './manage-apartments';
export { loadBuilding, type Command } from './manage-buildings';
export { apartmentByReference, findApartments, type ApartmentRow, type BuildingRow } from './building.store';
export { CHANNELS, optionalText, type Channel } from './building';
