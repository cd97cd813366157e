// Pure rules of scopes as identity grants them (memberships, public links): parsing and containment.
import { badInput, isUuid } from '@commonhold/kit/domain';

/** `global`, or what the caller may touch: `building:<uuid>`, `apartment:<uuid>`, `vendor:<uuid>` (the JWT `scope` claim). */
export type Scope = 'global' | string[];
const SCOPE_ENTRY = /^(building|apartment|vendor):(.+)$/;

/**
 * The GraphQL form `["global"]` or a list of `kind:<uuid>` entries → the claim form. A vendor
 * scope is exactly one vendor; a role that is vendor-only (`vendor`) needs a vendor scope.
 */
export function parseScope(field: string, value: unknown, roles: readonly string[] = []): Scope {
  if (!Array.isArray(value) || value.length === 0) throw badInput(field, 'A scope is required: ["global"] or building:/apartment:/vendor: entries');
  if (value.length === 1 && value[0] === 'global') {
    if (roles.includes('vendor') || roles.includes('owner')) throw badInput(field, 'A vendor or owner membership needs a narrower scope than global');
    return 'global';
  }
  if (value.length > 500) throw badInput(field, 'At most 500 scope entries');
  const entries: string[] = [];
  for (const v of value) {
    const m = typeof v === 'string' ? SCOPE_ENTRY.exec(v) : null;
    if (!m || !isUuid(m[2]!)) throw badInput(field, `Scope entry ${JSON.stringify(v)} is not building:<uuid>, apartment:<uuid> or vendor:<uuid> (or the single entry "global")`);
    const entry = `${m[1]}:${m[2]!.toLowerCase()}`;
    if (!entries.includes(entry)) entries.push(entry);
  }
  const vendors = entries.filter((e) => e.startsWith('vendor:'));
  if (vendors.length > 1 || (vendors.length === 1 && entries.length > 1)) throw badInput(field, 'A vendor scope is exactly one vendor');
  if (roles.includes('vendor') && vendors.length !== 1) throw badInput(field, 'A vendor membership is scoped to its vendor');
  return entries.sort();
}

/** Whether `requested` grants nothing beyond `granted` (a link or a delegated membership stays inside its creator's scope). */
export function scopeWithin(requested: Scope, granted: Scope): boolean {
  if (granted === 'global') return true;
  if (requested === 'global') return false;
  return requested.every((e) => granted.includes(e));
}

/** The GraphQL form of a scope. */
export const scopeList = (s: Scope): string[] => (s === 'global' ? ['global'] : s);
