import { randomUUID } from 'node:crypto';
import type { GqlResult } from '@commonhold/testing';

export type Caller = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<GqlResult<T>>;
export const key = () => `k-${randomUUID()}`;

export const CREATE_BUILDING = `mutation($input: CreateBuildingInput!) { createBuilding(input: $input) { building { id name currency sharesComplete ownershipShareTotal address { line1 city postcode country } } } }`;
export const CREATE_APARTMENT = `mutation($input: CreateApartmentInput!) { createApartment(input: $input) { apartment { id unit floor paymentReference ownershipShare building { id } } } }`;
export const SET_SHARES = `mutation($input: SetBuildingSharesInput!) { setBuildingShares(input: $input) { building { id sharesComplete ownershipShareTotal } } }`;

/** The first error's extensions, or throws with the data when there was none. */
export function errorOf(r: GqlResult): Record<string, unknown> {
  if (!r.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
  return r.errors[0]!.extensions as Record<string, unknown>;
}

export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
  return r.data as T;
}

export function buildBuildingInput(overrides: Record<string, unknown> = {}) {
  return { name: 'Harbour House', address: { line1: '1 Quay Street', city: 'Bristol', postcode: 'BS1 4DJ' }, idempotencyKey: key(), ...overrides };
}

/** A building with `units` apartments and a complete share table split as evenly as thousandths allow. */
export async function givenBuilding(call: Caller, units = 2, overrides: Record<string, unknown> = {}) {
  const building = ok(await call<any>(CREATE_BUILDING, { input: buildBuildingInput(overrides) })).createBuilding.building;
  const apartments: { id: string; unit: string; paymentReference: string }[] = [];
  for (let i = 1; i <= units; i++) {
    apartments.push(ok(await call<any>(CREATE_APARTMENT, { input: { buildingId: building.id, unit: `${i}`, floor: i, idempotencyKey: key() } })).createApartment.apartment);
  }
  const each = Math.floor(1000 / units);
  const shares = apartments.map((a, i) => ({ apartmentId: a.id, ownershipShare: i === 0 ? 1000 - each * (units - 1) : each }));
  ok(await call(SET_SHARES, { input: { buildingId: building.id, shares, idempotencyKey: key() } }));
  return { building, apartments };
}
