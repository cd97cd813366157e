// What other modules may import from accounts.
export { acceptInvitation } from './accept-invitation';
export { findMembership, findUser, findUserByEmail, type MembershipRow, type UserRow } from './account.store';
export { normaliseEmail } from './invite-user';
export { parseRoles, parseScope, ROLES, scopeWithin, type Role, type Scope } from './membership';
export { acceptablePassword } from './password';
export { verifyPassword, hashPassword } from './password-hash';
export { DEMO_ADMIN_EMAIL, DEMO_TENANT, seedDemo } from './seed-demo';
