import { forbidden, type Principal } from '@commonhold/kit';


/**
 * What an operation of collections needs, and which roles grant it (deny by default: a role not in
 * the matrix grants nothing). Which rows a caller reaches is fenced separately by its scope.
 */
export const PERMISSIONS = ['collections.read', 'collections.manage', 'collections.ledger', 'collections.policy', 'collections.erase'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  admin: PERMISSIONS,
  manager: ['collections.read', 'collections.manage', 'collections.ledger', 'collections.policy'],
  accountant: ['collections.read', 'collections.ledger'],
  owner: ['collections.read'],
  viewer: ['collections.read'],
};

export function can(principal: Pick<Principal, 'roles'>, permission: Permission): boolean {
  return principal.roles.some((r) => ROLE_PERMISSIONS[r]?.includes(permission));
}

/**
 * Throws FORBIDDEN unless the caller's scope is the whole tenant: for what spans buildings (creating
 * a building, bank statements, the tenant's default policy, the audit trail). Row-level security
 * refuses these writes too; this turns the refusal into a clear error instead of a failed statement.
 */
export function requireGlobalScope(principal: Pick<Principal, 'scope'>, what: string): void {
  if (principal.scope !== 'global') throw forbidden(`${what} needs a caller whose scope is the whole tenant`);
}

/** Throws FORBIDDEN unless one of the caller's roles grants `permission`. */
export function requirePermission(principal: Pick<Principal, 'roles'>, permission: Permission): void {
  if (!can(principal, permission)) throw forbidden(`This needs the ${permission} permission`);
}
