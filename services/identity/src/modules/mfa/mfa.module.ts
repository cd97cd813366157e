import { AUTHENTICATED, defineModule } from '@commonhold/kit';
import { mfaResolvers } from './mfa.resolvers';

/**
 * The TOTP second factor: a member enrols their own (any member, any scope: the rows are theirs);
 * resetting another member's factor and the tenant's requirement are tenant-wide settings for
 * global-scope admins. The sign-in step itself is sessions' (`POST /auth/login/mfa`).
 */
export const mfaModule = defineModule({
  name: 'mfa',
  resolvers: mfaResolvers,
  scopedCallers: 'fenced',
  permissions: {
    Query: { myMfa: AUTHENTICATED, tenantSecuritySettings: { rule: 'security-settings:read', scopedCallers: 'refused' } },
    Mutation: {
      startTotpEnrolment: AUTHENTICATED,
      confirmTotpEnrolment: AUTHENTICATED,
      resetMemberMfa: { rule: 'users:manage', scopedCallers: 'refused' },
      setTenantMfaRequirement: { rule: 'security-settings:write', scopedCallers: 'refused' },
    },
  },
});
