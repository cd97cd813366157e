import { isUuid, type PageArgs, type RequestContext, type Resolvers, byIdLoader, manyOf } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import { keyRing } from '../signing-keys';
import { findLink, signPublicLink } from '../public-links';
import { findMembership, findUser, pageUsers, type UserRow } from './account.store';
import { changeMembership } from './change-membership';
import { inviteUser } from './invite-user';
import { scopeList } from './membership';

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const accountResolvers: Resolvers = {
  Query: {
    me: async (_: unknown, __: unknown, ctx) => {
      const { principal } = ctx;
      const user = isUuid(principal.userId) ? await ctx.tx((m) => findUser(m, principal.tenantId, principal.userId)) : null;
      return { userId: principal.userId, tenantId: principal.tenantId, roles: principal.roles, scope: scopeList(principal.scope), user };
    },
    identityUsers: (_: unknown, args: PageArgs, ctx) => {
      return ctx.tx((m) => pageUsers(m, ctx.principal.tenantId, args));
    },
  },
  IdentityUser: {
    // One transaction for every reference of the request (`_entities` may carry hundreds): a connection, not one each.
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => byIdLoader(ctx, 'identity-user-refs', (m, ids) => manyOf(ids, (id) => findUser(m, ctx.principal.tenantId, id))).load(ref.id),
    roles: async (u: UserRow, _: unknown, ctx) => (await ctx.tx((m) => findMembership(m, ctx.principal.tenantId, u.id)))?.roles ?? [],
    scope: async (u: UserRow, _: unknown, ctx) => {
      const ms = await ctx.tx((m) => findMembership(m, ctx.principal.tenantId, u.id));
      return ms ? scopeList(ms.scope) : [];
    },
  },
  Mutation: {
    inviteUser: async (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx) => {
      const { principal, runtime } = ctx;
      const config = runtime.config as IdentityConfig;
      return ctx.tx(async (m) => {
        const { userId, linkId } = await inviteUser(m, { tenantId: principal.tenantId, actor: principal.userId, actorScope: principal.scope, input });
        const token = await signPublicLink(keyRing(runtime), (await findLink(m, principal.tenantId, linkId))!);
        return { user: await findUser(m, principal.tenantId, userId), invitationUrl: `${config.PUBLIC_BASE_URL}/accept-invitation#token=${token}` };
      });
    },
    changeMembership: async (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx) => {
      const { principal } = ctx;
      return ctx.tx(async (m) => {
        const userId = await changeMembership(m, { tenantId: principal.tenantId, actor: principal.userId, actorScope: principal.scope, input });
        return { user: await findUser(m, principal.tenantId, userId) };
      });
    },
  },
};
