import { idempotent, isUuid, notFound, writeAudit, type Resolvers } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import { scopeList, scopeWithin } from '../../shared/scope-rules';
import { keyRing } from '../signing-keys';
import { createPublicLink } from './create-public-link';
import { findLink, revokeLink, type PublicLinkRow } from './public-link.store';
import { signPublicLink } from './sign-public-link';

/** Thin: GraphQL in, a use case, GraphQL out. */
export const publicLinkResolvers: Resolvers = {
  PublicLink: {
    scope: (l: PublicLinkRow) => scopeList(l.scope),
  },
  Mutation: {
    createPublicLink: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx) => {
      const { principal, runtime } = ctx;
      return ctx.tx(async (m) => {
        const id = await createPublicLink(m, { tenantId: principal.tenantId, actor: principal.userId, actorScope: principal.scope, maxDays: (runtime.config as IdentityConfig).PUBLIC_LINK_MAX_DAYS, input });
        const link = (await findLink(m, principal.tenantId, id))!;
        return { link, token: await signPublicLink(keyRing(runtime), link) };
      });
    },
    revokePublicLink: (_: unknown, { input }: { input: { linkId: string; idempotencyKey: string } }, ctx) => {
      const { principal } = ctx;
      return ctx.tx((m) =>
        idempotent(m, principal.tenantId, 'revokePublicLink', input, async () => {
          const link = isUuid(input.linkId) ? await findLink(m, principal.tenantId, input.linkId) : null;
          // A link outside the caller's scope (another building's ballot) looks exactly like a missing one.
          if (!link || link.purpose === 'invitation' || !scopeWithin(link.scope, principal.scope)) throw notFound('input.linkId', 'No such link');
          const revoked = (await revokeLink(m, principal.tenantId, link.id))!;
          await writeAudit(m, { tenantId: principal.tenantId, actor: principal.userId, action: 'public_link.revoked', entityType: 'PublicLink', entityId: link.id, before: { revokedAt: link.revokedAt }, after: { revokedAt: revoked.revokedAt } });
          return { link: revoked };
        }),
      );
    },
  },
};
