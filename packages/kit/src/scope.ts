/**
 * Access scope: which part of a tenant a caller may touch, narrower than the tenant itself.
 *
 * The JWT `scope` claim is `'global'` or a list of typed entries `building:<uuid>`,
 * `apartment:<uuid>` and `vendor:<uuid>` (a building manager, an owner, a vendor). The transaction of
 * a request carries it next to the tenant (`withTenant` sets `app.scope*`), so row-level security
 * fences buildings, apartments and vendors the same way it fences tenants: a table opts in with
 * `scopeRlsSql`. Pure: no infrastructure is loaded from here.
 */
export type ScopeKind = 'building' | 'apartment' | 'vendor';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ENTRY = new RegExp(`^(building|apartment|vendor):(${UUID})$`);

/** The claim as it travels: `'global'` or typed entries. */
export type ScopeClaim = 'global' | string[];

/** At most this many entries (a token stays small); an empty list is refused (say `global`). */
export const MAX_SCOPE_ENTRIES = 500;

/** Whether `v` is a valid claim: `'global'`, or 1–500 `building|apartment|vendor:<uuid>` entries. */
export function isScopeClaim(v: unknown): v is ScopeClaim {
  if (v === 'global') return true;
  return Array.isArray(v) && v.length > 0 && v.length <= MAX_SCOPE_ENTRIES && v.every((e) => typeof e === 'string' && ENTRY.test(e));
}

/** The claim, parsed: a global caller, or the ids of each kind it may touch (lower-case uuids). */
export interface AccessScope {
  global: boolean;
  buildings: readonly string[];
  apartments: readonly string[];
  vendors: readonly string[];
}

export const GLOBAL_SCOPE: AccessScope = Object.freeze({ global: true, buildings: [], apartments: [], vendors: [] });

export function accessScope(claim: ScopeClaim): AccessScope {
  if (claim === 'global') return GLOBAL_SCOPE;
  const ids: Record<ScopeKind, Set<string>> = { building: new Set(), apartment: new Set(), vendor: new Set() };
  for (const entry of claim) {
    const m = ENTRY.exec(entry);
    if (!m) throw new Error(`Invalid scope entry ${JSON.stringify(entry)}`);
    ids[m[1] as ScopeKind].add(m[2]!.toLowerCase());
  }
  return { global: false, buildings: [...ids.building], apartments: [...ids.apartment], vendors: [...ids.vendor] };
}

/** Builds a claim (for token minting and tests). */
export function scopeClaim(s: { buildings?: string[]; apartments?: string[]; vendors?: string[] } | 'global'): ScopeClaim {
  if (s === 'global') return 'global';
  const claim = [...(s.buildings ?? []).map((id) => `building:${id}`), ...(s.apartments ?? []).map((id) => `apartment:${id}`), ...(s.vendors ?? []).map((id) => `vendor:${id}`)];
  if (!isScopeClaim(claim)) throw new Error(`Invalid scope: ${JSON.stringify(claim)}`);
  return claim;
}

/** What a row is keyed by; a caller may touch it if it is global or holds one of its keys. */
export interface ScopedRow {
  buildingId?: string | null;
  apartmentId?: string | null;
  vendorId?: string | null;
}

/** The same rule as the row-level security policy, for checks before a write (clear FORBIDDEN errors). */
export function scopeAllows(scope: AccessScope, row: ScopedRow): boolean {
  if (scope.global) return true;
  const has = (list: readonly string[], id?: string | null) => !!id && list.includes(id.toLowerCase());
  return has(scope.buildings, row.buildingId) || has(scope.apartments, row.apartmentId) || has(scope.vendors, row.vendorId);
}

/** The transaction settings `withTenant` writes (`set_config(name, value, true)`). */
export function scopeSettings(scope: AccessScope): Record<'app.scope' | 'app.scope_buildings' | 'app.scope_apartments' | 'app.scope_vendors', string> {
  return {
    'app.scope': scope.global ? 'global' : 'limited',
    'app.scope_buildings': scope.buildings.join(','),
    'app.scope_apartments': scope.apartments.join(','),
    'app.scope_vendors': scope.vendors.join(','),
  };
}

const ident = (s: string) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(s)) throw new Error(`Unsafe SQL identifier: ${s}`);
  return s;
};

export interface ScopeColumns {
  /** Column holding the row's building id (uuid). */
  building?: string;
  /** Column holding the row's apartment id (uuid). */
  apartment?: string;
  /** Column holding the row's vendor id (uuid). */
  vendor?: string;
  /** Further SQL that also admits a row (e.g. an owner seeing the building of its apartment). */
  orUsing?: string;
}

/**
 * SQL that fences `table` by scope: a RESTRICTIVE policy (it narrows the tenant policy, never widens
 * it) admitting a row when the transaction's scope is global or holds the row's building, apartment
 * or vendor id. With no scope set (outside `withTenant`) nothing is admitted.
 */
export function scopeRlsSql(table: string, cols: ScopeColumns): string[] {
  const t = ident(table);
  const list = (setting: string) => `string_to_array(NULLIF(current_setting('${setting}', true), ''), ',')`;
  const terms = [`current_setting('app.scope', true) = 'global'`];
  if (cols.building) terms.push(`${ident(cols.building)}::text = ANY(${list('app.scope_buildings')})`);
  if (cols.apartment) terms.push(`${ident(cols.apartment)}::text = ANY(${list('app.scope_apartments')})`);
  if (cols.vendor) terms.push(`${ident(cols.vendor)}::text = ANY(${list('app.scope_vendors')})`);
  if (cols.orUsing) terms.push(`(${cols.orUsing})`);
  const expr = terms.join(' OR ');
  return [`CREATE POLICY ${t}_scope ON ${t} AS RESTRICTIVE USING (${expr}) WITH CHECK (${expr})`];
}
