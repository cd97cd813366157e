import { idempotent, isUuid, notFound, type PageArgs, type Resolvers } from '@commonhold/kit';
import { findSession, pageSessions, pageSecurityEvents, recordSecurityEvent, revokeSessions, type SessionRow } from './session.store';

/** The session id of the caller's access token (`sid`), when it came from a sign-in. */
const sidOf = (ctx: { principal: { sessionId?: string } }): string | undefined => ctx.principal.sessionId;
const EMPTY = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };

/** Thin: GraphQL in, a store read or a small use case, GraphQL out. */
export const sessionResolvers: Resolvers = {
  Query: {
    // A development token's subject is no account: it has no sessions.
    mySessions: (_: unknown, args: PageArgs, ctx) => (isUuid(ctx.principal.userId) ? ctx.tx((m) => pageSessions(m, ctx.principal.tenantId, ctx.principal.userId, args)) : EMPTY),
    identitySecurityEvents: (_: unknown, args: PageArgs, ctx) => {
      return ctx.tx((m) => pageSecurityEvents(m, ctx.principal.tenantId, args));
    },
  },
  IdentitySession: {
    current: (s: SessionRow, _: unknown, ctx) => sidOf(ctx) === s.id,
  },
  Mutation: {
    revokeSession: (_: unknown, { input }: { input: { sessionId: string; idempotencyKey: string } }, ctx) => {
      const { tenantId, userId } = ctx.principal;
      return ctx.tx((m) =>
        idempotent(m, tenantId, 'revokeSession', input, async () => {
          const session = isUuid(input.sessionId) ? await findSession(m, tenantId, input.sessionId) : null;
          // Another user's session looks exactly like a missing one.
          if (!session || session.userId !== userId) throw notFound('input.sessionId', 'No such session');
          const revokedSessionIds = await revokeSessions(m, tenantId, { userId, sessionId: session.id }, 'revoked');
          await recordSecurityEvent(m, tenantId, { kind: 'session_revoked', userId: isUuid(userId) ? userId : null, sessionId: session.id });
          return { revokedSessionIds };
        }),
      );
    },
    logoutEverywhere: (_: unknown, { input }: { input: { idempotencyKey: string } }, ctx) => {
      const { tenantId, userId } = ctx.principal;
      return ctx.tx((m) =>
        idempotent(m, tenantId, 'logoutEverywhere', input, async () => {
          if (!isUuid(userId)) return { revokedSessionIds: [] }; // a development token has no sessions
          const revokedSessionIds = await revokeSessions(m, tenantId, { userId }, 'logout_everywhere');
          await recordSecurityEvent(m, tenantId, { kind: 'logout_everywhere', userId, detail: { sessions: revokedSessionIds.length } });
          return { revokedSessionIds };
        }),
      );
    },
  },
};
