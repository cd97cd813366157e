import { parse } from 'csv-parse/sync';
import { AppError, badInput, isUuid, parseMoney } from '@commonhold/kit/domain';
import type { ValidationIssue } from './preview';

/**
 * Which apartments a job acts on (pure): whole buildings, narrowed by apartment ids, floors, a
 * minimum balance owed, and an uploaded list of apartments (CSV text). Every filter given must hold
 * (they AND together). Input mistakes are refused when the job is created (BAD_USER_INPUT naming the
 * field, and for the list the line); apartments the list names that the buildings do not hold are
 * job-level validation errors of the dry run (the directory may still be catching up).
 */

export const MAX_SCOPE_BUILDINGS = 50;
export const MAX_LIST_ROWS = 20_000;
/** 2 MB of CSV text: 20,000 rows of an id and a unit fit easily. */
export const MAX_LIST_BYTES = 2_000_000;

/** One row of the uploaded list: an apartment by id, or by unit (within a building when several are in scope). */
export interface ListEntry {
  line: number;
  apartmentId: string | null;
  unit: string | null;
  buildingId: string | null;
}

export interface Scope {
  buildingIds: string[];
  apartmentIds: string[] | null;
  floors: number[] | null;
  minBalanceOwed: { amountMinor: number; currency: string } | null;
  list: ListEntry[] | null;
}

export interface ScopedApartment {
  apartmentId: string;
  buildingId: string;
  unit: string;
  floor: number | null;
  balanceMinor: number;
}

const listError = (line: number, column: string | null, message: string) =>
  new AppError('BAD_USER_INPUT', `scope.list line ${line}${column ? `, ${column}` : ''}: ${message}`, {
    field: `input.scope.list.${line}${column ? `.${column}` : ''}`,
    details: { line, ...(column ? { column } : {}) },
  });

const COLUMN_ALIASES: Record<string, 'apartmentId' | 'unit' | 'buildingId'> = {
  apartmentid: 'apartmentId',
  apartment_id: 'apartmentId',
  unit: 'unit',
  buildingid: 'buildingId',
  building_id: 'buildingId',
};

/**
 * Parses the uploaded list with csv-parse: a header row naming `apartmentId` and/or `unit` (and
 * optionally `buildingId`; snake_case accepted), then one apartment per row. Errors name the line.
 */
export function parseApartmentList(text: unknown): ListEntry[] {
  if (typeof text !== 'string' || !text.trim()) throw badInput('input.scope.list', 'list must be CSV text with a header row (apartmentId and/or unit)');
  if (Buffer.byteLength(text) > MAX_LIST_BYTES) throw badInput('input.scope.list', `list must be at most ${MAX_LIST_BYTES} bytes`);
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      columns: (header: string[]) =>
        header.map((h, i) => {
          const name = COLUMN_ALIASES[h.toLowerCase()];
          if (!name) throw listError(1, h || `column ${i + 1}`, `unknown column "${h}"; use apartmentId, unit, buildingId`);
          return name;
        }),
    }) as never;
  } catch (e) {
    if (e instanceof AppError) throw e;
    const err = e as Error & { lines?: number; code?: string };
    throw listError(err.lines ?? 1, null, `${err.message}${err.code ? ` (${err.code})` : ''}`);
  }
  if (!rows.length) throw badInput('input.scope.list', 'list names no apartment (a header row, then one apartment per row)');
  if (rows.length > MAX_LIST_ROWS) throw badInput('input.scope.list', `list may name at most ${MAX_LIST_ROWS} apartments`);
  const seen = new Map<string, number>();
  return rows.map(({ record, info }) => {
    const line = info.lines;
    const apartmentId = record.apartmentId || null;
    const unit = record.unit || null;
    const buildingId = record.buildingId || null;
    if (!apartmentId && !unit) throw listError(line, 'apartmentId', 'each row needs an apartmentId or a unit');
    if (apartmentId && !isUuid(apartmentId)) throw listError(line, 'apartmentId', `"${apartmentId}" is not an apartment id`);
    if (buildingId && !isUuid(buildingId)) throw listError(line, 'buildingId', `"${buildingId}" is not a building id`);
    if (unit && unit.length > 40) throw listError(line, 'unit', 'unit is at most 40 characters');
    const identity = apartmentId ?? `${buildingId ?? ''}/${unit}`;
    const first = seen.get(identity);
    if (first !== undefined) throw listError(line, apartmentId ? 'apartmentId' : 'unit', `the same apartment as line ${first}`);
    seen.set(identity, line);
    return { line, apartmentId, unit, buildingId };
  });
}

const uuidList = (field: string, v: unknown, max: number): string[] => {
  if (!Array.isArray(v) || !v.length) throw badInput(field, `${field} must list at least one id`);
  if (v.length > max) throw badInput(field, `${field} may list at most ${max} ids`);
  const out = v.map((id, i) => {
    if (!isUuid(id)) throw badInput(`${field}.${i}`, 'Not an id');
    return id as string;
  });
  const dup = out.findIndex((id, i) => out.indexOf(id) !== i);
  if (dup >= 0) throw badInput(`${field}.${dup}`, 'Listed twice');
  return out;
};

/**
 * Validates a scope input (`field` is its path, e.g. `input.scope`). `buildingId` is the job's own
 * building field: a scope without `buildingIds` covers that building.
 */
export function parseScope(field: string, value: unknown, buildingId: unknown): Scope {
  if (value != null && typeof value !== 'object') throw badInput(field, `${field} must be an object`);
  const v = (value ?? {}) as Record<string, unknown>;
  let buildingIds: string[];
  if (v.buildingIds != null) {
    buildingIds = uuidList(`${field}.buildingIds`, v.buildingIds, MAX_SCOPE_BUILDINGS);
    if (buildingId != null && !buildingIds.includes(buildingId as string)) throw badInput('input.buildingId', 'buildingId must be one of scope.buildingIds (or leave it out)');
  } else if (buildingId != null) {
    if (!isUuid(buildingId)) throw badInput('input.buildingId', 'Not a building id');
    buildingIds = [buildingId];
  } else {
    throw badInput(`${field}.buildingIds`, 'A job needs a building: buildingId or scope.buildingIds');
  }
  const apartmentIds = v.apartmentIds == null ? null : uuidList(`${field}.apartmentIds`, v.apartmentIds, MAX_LIST_ROWS);
  let floors: number[] | null = null;
  if (v.floors != null) {
    if (!Array.isArray(v.floors) || !v.floors.length) throw badInput(`${field}.floors`, 'floors must list at least one floor');
    floors = v.floors.map((f, i) => {
      if (!Number.isInteger(f) || (f as number) < -20 || (f as number) > 300) throw badInput(`${field}.floors.${i}`, 'A floor is an integer from -20 to 300');
      return f as number;
    });
    floors = [...new Set(floors)];
  }
  const minBalanceOwed = v.minBalanceOwed == null ? null : parseMoney(`${field}.minBalanceOwed`, v.minBalanceOwed, { allowZero: true });
  const list = v.list == null ? null : parseApartmentList(v.list);
  if (list && buildingIds.length > 1) {
    const bad = list.find((r) => !r.apartmentId && !r.buildingId);
    if (bad) throw listError(bad.line, 'buildingId', 'with several buildings in scope, a row naming a unit needs its buildingId');
  }
  if (list) {
    const outside = list.find((r) => r.buildingId && !buildingIds.includes(r.buildingId));
    if (outside) throw listError(outside.line, 'buildingId', 'not one of the buildings in scope');
  }
  return { buildingIds, apartmentIds, floors, minBalanceOwed, list };
}

/**
 * The apartments of the scope among `apartments` (those of its buildings), and the scope's problems:
 * list rows or apartment ids that match no apartment of the buildings, a minimum balance in another
 * currency than a building's. `currencyOf` gives each building's currency.
 */
export function selectApartments<A extends ScopedApartment>(scope: Scope, apartments: readonly A[], currencyOf: (buildingId: string) => string | undefined): { selected: A[]; errors: ValidationIssue[] } {
  const errors: ValidationIssue[] = [];
  const inBuildings = apartments.filter((a) => scope.buildingIds.includes(a.buildingId));
  const byId = new Map(inBuildings.map((a) => [a.apartmentId, a]));
  let ids: Set<string> | null = null;
  if (scope.apartmentIds) {
    scope.apartmentIds.forEach((id, i) => {
      if (!byId.has(id)) errors.push({ field: `scope.apartmentIds.${i}`, code: 'UNKNOWN_APARTMENT', message: 'Not an apartment of the buildings in scope' });
    });
    ids = new Set(scope.apartmentIds);
  }
  if (scope.list) {
    const listed = new Set<string>();
    for (const row of scope.list) {
      let match: A | undefined;
      if (row.apartmentId) {
        match = byId.get(row.apartmentId);
        if (match && row.unit && match.unit !== row.unit) {
          errors.push({ field: `scope.list.${row.line}.unit`, code: 'UNIT_MISMATCH', message: `Line ${row.line}: apartment ${row.apartmentId} is unit ${match.unit}, not ${row.unit}` });
          continue;
        }
      } else {
        const candidates = inBuildings.filter((a) => a.unit === row.unit && (!row.buildingId || a.buildingId === row.buildingId));
        match = candidates.length === 1 ? candidates[0] : undefined;
      }
      if (!match) {
        const column = row.apartmentId ? 'apartmentId' : 'unit';
        errors.push({ field: `scope.list.${row.line}.${column}`, code: 'UNKNOWN_APARTMENT', message: `Line ${row.line}: no apartment ${row.apartmentId ?? `unit ${row.unit}`} in the buildings in scope` });
        continue;
      }
      listed.add(match.apartmentId);
    }
    ids = ids ? new Set([...ids].filter((id) => listed.has(id))) : listed;
  }
  if (scope.minBalanceOwed) {
    for (const b of scope.buildingIds) {
      const c = currencyOf(b);
      if (c && c !== scope.minBalanceOwed.currency) {
        errors.push({ field: 'scope.minBalanceOwed.currency', code: 'CURRENCY_MISMATCH', message: `Building ${b} keeps its ledger in ${c}, not ${scope.minBalanceOwed.currency}` });
      }
    }
  }
  const floors = scope.floors ? new Set(scope.floors) : null;
  const selected = inBuildings.filter(
    (a) =>
      (!ids || ids.has(a.apartmentId)) &&
      (!floors || (a.floor != null && floors.has(a.floor))) &&
      (!scope.minBalanceOwed || a.balanceMinor >= scope.minBalanceOwed.amountMinor),
  );
  return { selected, errors };
}
