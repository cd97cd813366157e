/**
 * Authorization by role: the one permission matrix of the platform (docs/security/roles.md is
 * generated from it) and the pure checks every subgraph's operations go through.
 *
 * A permission is `<resource>:<action>` (`contacts:erase`, `gift-aid:claim`). Each root Query and
 * Mutation field, each federated entity type and each plain-HTTP route that acts for a user declares
 * the one permission it needs next to its module (`defineModule({ permissions })`); roles map to
 * permissions only here. Deny by default: a role grants nothing it does not list, an unknown role
 * grants nothing, and an operation without a rule is refused (access.ts).
 *
 * Pure: no infrastructure is loaded from here.
 */
import { AppError } from './errors';
import type { ScopeClaim } from './scope';

/** The roles a membership can carry (issue 11); anything else in a token grants nothing. */
export const ROLES = ['admin', 'finance', 'fundraiser', 'building_manager', 'volunteer_coordinator', 'grants_manager', 'auditor', 'vendor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** `<resource>:<action>`, kebab-case words, e.g. `contacts:read`, `gift-aid:claim`. */
export type Permission = `${string}:${string}`;
export const PERMISSION_PATTERN = /^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/;

/**
 * A rule that admits any caller with a valid token of the tenant (e.g. "who am I", logout): no role
 * needed. Still a rule, declared like any other, so a forgotten operation stays refused.
 */
export const AUTHENTICATED = 'authenticated' as const;
export type Rule = Permission | typeof AUTHENTICATED;

/**
 * What a role may grant: a permission, or one of two patterns kept on purpose narrow:
 * `*` (every permission: admin) and `*:read` (every read: the read-only auditor). There is no
 * `<resource>:*`: a new action (say `gifts:void`) reaches nobody but admin until it is listed here.
 */
export type Grant = Permission | '*' | '*:read';

/** Who does what. The table in docs/security/roles.md is generated from this (npm run docs:roles). */
export const ROLE_GRANTS: Record<Role, { description: string; grants: readonly Grant[] }> = {
  admin: { description: 'Runs the tenant: everything, including erasure, settings and payment-provider secrets.', grants: ['*'] },
  auditor: { description: 'Read-only: every read, no write.', grants: ['*:read'] },
  finance: {
    description: 'Money: gifts and refunds, Gift Aid claims, recurring agreements, provider intake, rollups.',
    grants: [
      'contacts:read',
      'gifts:read', 'gifts:write', 'gifts:refund', 'rollups:rebuild',
      'gift-aid:read', 'gift-aid:declare', 'gift-aid:claim', 'gift-aid:configure',
      'recurring:read', 'recurring:write', 'recurring:evaluate',
      'intake:read', 'intake:reprocess',
      'campaigns:read', 'opportunities:read', 'imports:read', 'imports:write',
      'dashboard:read', 'audit:read', 'settings:read',
      'public-links:write',
      'collections:read', 'ledger:write', 'bank-statements:read',
      'bulk-jobs:read', 'bulk-jobs:write', 'bulk-jobs:execute', 'bulk-templates:write',
      'grants:read', 'disbursements:pay',
    ],
  },
  fundraiser: {
    description: 'Supporters and giving: contacts, gifts, declarations, campaigns, opportunities, imports.',
    grants: [
      'contacts:read', 'contacts:write', 'contacts:merge',
      'gifts:read', 'gifts:write',
      'gift-aid:read', 'gift-aid:declare',
      'recurring:read', 'recurring:write',
      'campaigns:read', 'campaigns:write', 'opportunities:read', 'opportunities:write',
      'imports:read', 'imports:write', 'dashboard:read', 'settings:read', 'volunteers:read',
      'public-links:write',
    ],
  },
  volunteer_coordinator: {
    description: 'Volunteers: registers contacts as volunteers, runs jobs and shifts, signups, attendance and hours, and sends sign-up links.',
    grants: ['contacts:read', 'volunteers:read', 'volunteers:write', 'shifts:write', 'hours:write', 'public-links:write'],
  },
  grants_manager: {
    description: 'Funders and grant pipeline: applications, awards, requirements, disbursement schedules and their approval; reads contacts and giving.',
    grants: ['contacts:read', 'gifts:read', 'opportunities:read', 'opportunities:write', 'campaigns:read', 'dashboard:read', 'public-links:write',
      'grants:read', 'grants:write', 'grants:award', 'disbursements:approve'],
  },
  // The building-keyed roles carry a narrow scope; their permissions arrive with the subgraphs
  // that own buildings, apartments and work orders. Until then they are refused everywhere.
  building_manager: {
    description: 'A building office, scoped to its buildings: buildings and apartments, the ledger, dunning policies, public links, vendors serving them, work orders and tenders, votes and their automation rules.',
    grants: ['collections:read', 'buildings:write', 'ledger:write', 'bank-statements:read', 'dunning:configure', 'public-links:write',
      'bulk-jobs:read', 'bulk-jobs:write', 'bulk-jobs:execute', 'bulk-templates:write',
      'vendors:read', 'vendors:write', 'work-orders:read', 'work-orders:write', 'work-orders:verify', 'work-order-links:write',
      'tenders:read', 'tenders:write', 'tenders:award', 'tender-offers:read',
      'votes:read', 'votes:write', 'automation-rules:read', 'automation-rules:write'],
  },
  owner: { description: 'A resident, scoped to their apartment: reads its statement, balance and promises; reads its building\'s votes and votes for its apartment.', grants: ['collections:read', 'votes:read', 'votes:cast'] },
  // The vendor portal (ENABLE_VENDOR_PORTAL): row-level security narrows every read and write to the vendor in the token's scope.
  vendor: {
    description: 'A contractor, scoped to its own vendor: its profile and KPIs, its work orders (accept, decline, progress, proof) and the tenders it is invited to (offers).',
    grants: ['vendors:read', 'work-orders:read', 'work-orders:respond', 'work-orders:progress', 'tenders:read', 'tender-offers:write'],
  },
};

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Whether `grant` covers `permission`. */
export function grantCovers(grant: Grant, permission: Permission): boolean {
  if (grant === '*') return true;
  if (grant === '*:read') return permission.endsWith(':read');
  return grant === permission;
}

/** Whether any of `roles` grants `permission` (unknown roles grant nothing). */
export function rolesGrant(roles: readonly string[], permission: Permission): boolean {
  return roles.some((r) => isRole(r) && ROLE_GRANTS[r].grants.some((g) => grantCovers(g, permission)));
}

/** The roles that grant `permission`, in matrix order (for messages and the generated table). */
export function rolesGranting(permission: Permission): Role[] {
  return ROLES.filter((r) => rolesGrant([r], permission));
}

/** What an operation declares: the permission it needs, and whether callers with a narrow scope may call it. */
export interface AccessRule {
  rule: Rule;
  /**
   * `false`: the data behind the operation is not keyed by building, apartment or vendor, so only
   * callers with global scope are admitted. `true`: its tables are fenced by `scopeRlsSql`.
   */
  scopedCallers: boolean;
  /** The module that declared it (for messages and docs). */
  module: string;
}

/** A caller as the checks need it (a `Principal` fits). */
export interface Caller {
  roles: readonly string[];
  scope: ScopeClaim;
}

/**
 * Refuses `caller` the operation unless its rule admits it: FORBIDDEN naming the missing permission
 * (`extensions.permission`), or the scope it is refused for (`extensions.reason: 'SCOPE'`). An
 * operation without a rule (undefined) is refused: deny by default.
 */
export function authorize(caller: Caller, operation: string, access: AccessRule | undefined): void {
  if (!access) {
    throw new AppError('FORBIDDEN', `${operation} declares no permission, so it is refused (deny by default)`, { details: { permission: null, operation, reason: 'NO_RULE' } });
  }
  const { rule } = access;
  if (rule !== AUTHENTICATED && !rolesGrant(caller.roles, rule)) {
    const held = caller.roles.length ? caller.roles.join(', ') : 'none';
    throw new AppError('FORBIDDEN', `${operation} needs the ${rule} permission, which none of your roles (${held}) grants`, {
      details: { permission: rule, operation, reason: 'PERMISSION' },
    });
  }
  if (caller.scope !== 'global' && !access.scopedCallers) {
    throw new AppError('FORBIDDEN', `${operation} serves callers with global scope only: its data is not divided by building, apartment or vendor`, {
      details: { permission: rule === AUTHENTICATED ? null : rule, operation, reason: 'SCOPE' },
    });
  }
}
