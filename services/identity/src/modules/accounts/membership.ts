import { badInput } from '@commonhold/kit/domain';
export { parseScope, scopeList, scopeWithin, type Scope } from '../../shared/scope-rules';

/** The roles a membership may carry (issue 11); `auditor` reads only, `owner` is a resident. */
export const ROLES = ['admin', 'finance', 'fundraiser', 'building_manager', 'volunteer_coordinator', 'grants_manager', 'auditor', 'vendor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** At least one known role, each once, in a stable order. */
export function parseRoles(field: string, value: unknown): Role[] {
  if (!Array.isArray(value) || value.length === 0) throw badInput(field, 'At least one role is required');
  const unknown = value.filter((r) => !(ROLES as readonly unknown[]).includes(r));
  if (unknown.length) throw badInput(field, `Unknown role(s) ${unknown.map(String).join(', ')}; known: ${ROLES.join(', ')}`);
  return ROLES.filter((r) => value.includes(r));
}

