import { forbidden, type Principal } from '@commonhold/kit';

/**
 * Which permission each operation needs is declared next to its module (`permissions`, enforced by
 * the kit against the platform's matrix); which rows a caller reaches is fenced by its scope
 * (row-level security). This is the one check that depends on the input: setting the tenant's
 * default dunning policy spans every building, so it needs a caller whose scope is the whole tenant.
 */
export function requireGlobalScope(principal: Pick<Principal, 'scope'>, what: string): void {
  if (principal.scope !== 'global') throw forbidden(`${what} needs a caller whose scope is the whole tenant`);
}
