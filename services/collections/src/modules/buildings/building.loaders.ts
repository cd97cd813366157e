import { byIdLoader, type RequestContext } from '@commonhold/kit';
import { findApartments, findBuildings, type ApartmentRow, type BuildingRow } from './building.store';

/** Per-request batch loaders of buildings and apartments by id (other modules resolve references with them). */
export const buildingLoader = (ctx: RequestContext) => byIdLoader<BuildingRow>(ctx, 'buildings', (m, ids) => findBuildings(m, ctx.principal.tenantId, ids));
export const apartmentLoader = (ctx: RequestContext) => byIdLoader<ApartmentRow>(ctx, 'apartments', (m, ids) => findApartments(m, ctx.principal.tenantId, ids));
