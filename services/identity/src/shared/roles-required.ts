import { forbidden, type Principal } from '@commonhold/kit';

/**
 * identity's own checks until the platform's permission matrix covers every operation: managing
 * people is for admins. Answers FORBIDDEN naming what is missing.
 */
export function requireRole(principal: Principal, allowed: readonly string[], action: string): void {
  if (!principal.roles.some((r) => allowed.includes(r))) throw forbidden(`${action} needs one of the roles ${allowed.join(', ')}`);
}
