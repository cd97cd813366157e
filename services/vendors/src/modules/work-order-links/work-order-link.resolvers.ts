import type { RequestContext, Resolvers } from '@commonhold/kit';
import type { VendorsConfig } from '../../config';
import { requirePortal, who } from '../vendors';
import { httpPublicLinkIssuer, type PublicLinkIssuer } from './identity-links';
import { issueWorkOrderLink, revokeWorkOrderLink, type LinkDeps } from './manage-work-order-links';
import { findLink, type WorkOrderLinkRow } from './work-order-link.store';

const linkOut = (l: WorkOrderLinkRow) => ({
  id: l.id, workOrderId: l.work_order_id, vendorId: l.vendor_id, expiresAt: l.expires_at, revokedAt: l.revoked_at, createdBy: l.created_by, createdAt: l.created_at,
});

const issuers = new WeakMap<object, PublicLinkIssuer>();
const deps = (ctx: RequestContext): LinkDeps => {
  let issuer = issuers.get(ctx.runtime);
  if (!issuer) issuers.set(ctx.runtime, (issuer = httpPublicLinkIssuer((ctx.runtime.config as unknown as VendorsConfig).IDENTITY_URL)));
  return { issuer, authorization: ctx.authorization };
};
type Input = { input: Record<string, unknown> };

/** Thin: GraphQL in, a use case, GraphQL out. */
export const workOrderLinkResolvers: Resolvers = {
  Mutation: {
    issueWorkOrderLink: async (_: unknown, { input }: Input, ctx) => {
      // A link is a way into the portal: none is minted while the portal is off (revoking stays open).
      await requirePortal(ctx);
      const { link, token } = await ctx.tx((m) => issueWorkOrderLink(m, deps(ctx), { ...who(ctx), input }));
      return { link: linkOut(link), token };
    },
    revokeWorkOrderLink: async (_: unknown, { input }: Input, ctx) => {
      const id = await ctx.tx((m) => revokeWorkOrderLink(m, deps(ctx), { ...who(ctx), input }));
      return { link: linkOut((await ctx.tx((m) => findLink(m, ctx.principal.tenantId, id)))!) };
    },
  },
};
