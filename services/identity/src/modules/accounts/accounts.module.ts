import { AUTHENTICATED, defineModule } from '@commonhold/kit';
import { accountResolvers } from './account.resolvers';

/**
 * People and memberships. The tenant-wide reads serve global-scope callers only; "who am I" serves
 * everyone, and an inviter with a narrow scope may grant no scope beyond their own (checked in the use case).
 */
export const accountsModule = defineModule({
  name: 'accounts',
  resolvers: accountResolvers,
  permissions: {
    Query: { me: { rule: AUTHENTICATED, scopedCallers: 'fenced' }, identityUsers: 'users:read' },
    Mutation: { inviteUser: { rule: 'users:invite', scopedCallers: 'fenced' }, changeMembership: { rule: 'users:manage', scopedCallers: 'fenced' } },
    entities: { IdentityUser: 'users:read' },
  },
});
