import type { PageArgs, RequestContext, Resolvers } from '@commonhold/kit';
import { scopeList } from '../../shared/scope-rules';
import { createApiKey, createServiceAccount, revokeApiKey } from './manage-service-accounts';
import { accountKeys, findAccount, findApiKey, pageAccounts, type ServiceAccountRow } from './service-account.store';

type Input = { input: Record<string, unknown> & { idempotencyKey: string } };
const actor = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, actorScope: ctx.principal.scope });

/** Thin: admins manage integrators' service accounts and keys. */
export const serviceAccountResolvers: Resolvers = {
  Query: {
    serviceAccounts: (_: unknown, args: PageArgs, ctx) => {
      return ctx.tx((m) => pageAccounts(m, ctx.principal.tenantId, args));
    },
  },
  ServiceAccount: {
    scope: (a: ServiceAccountRow) => scopeList(a.scope),
    apiKeys: (a: ServiceAccountRow, _: unknown, ctx) => ctx.tx((m) => accountKeys(m, ctx.principal.tenantId, a.id)),
  },
  Mutation: {
    createServiceAccount: (_: unknown, { input }: Input, ctx) => {
      return ctx.tx(async (m) => ({ serviceAccount: await findAccount(m, ctx.principal.tenantId, await createServiceAccount(m, { ...actor(ctx), input })) }));
    },
    createApiKey: (_: unknown, { input }: Input, ctx) => {
      return ctx.tx(async (m) => {
        const { apiKeyId, key } = await createApiKey(m, { ...actor(ctx), input });
        return { apiKey: await findApiKey(m, ctx.principal.tenantId, apiKeyId), key };
      });
    },
    revokeApiKey: (_: unknown, { input }: Input, ctx) => {
      return ctx.tx(async (m) => ({ apiKey: await findApiKey(m, ctx.principal.tenantId, await revokeApiKey(m, { ...actor(ctx), input })) }));
    },
  },
};
