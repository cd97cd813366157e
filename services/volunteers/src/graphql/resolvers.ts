import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { DateTimeScalar, type RequestContext } from '@commonhold/kit';
import { VolunteerProfileEntity, type VolunteerProfileRow } from '../entities/volunteer-profile.entity';
import { registerVolunteer } from '../use-cases/register-volunteer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const profileLoader = (ctx: RequestContext) =>
  ctx.loader(
    'profile',
    () =>
      new DataLoader<string, VolunteerProfileRow | null>(async (ids) => {
        const valid = ids.filter((id) => UUID.test(id));
        const rows = valid.length ? await ctx.tx((m) => m.getRepository(VolunteerProfileEntity).findBy({ contactId: In(valid) })) : [];
        const map = new Map(rows.map((r) => [r.contactId, r]));
        return ids.map((id) => map.get(id) ?? null);
      }),
  );

export const resolvers: GraphQLResolverMap<RequestContext> = {
  DateTime: DateTimeScalar,
  Mutation: {
    registerVolunteer: async (_: unknown, { input }: { input: { contactId: string; idempotencyKey: string } }, ctx: RequestContext) => {
      const { contactId } = await ctx.tx((m) => registerVolunteer(m, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }));
      return { volunteerProfile: await profileLoader(ctx).load(contactId) };
    },
  },
  Contact: {
    // Volunteers owns only the extension: any contact id resolves, its profile may be null.
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    volunteerProfile: (c: { id: string }, _: unknown, ctx: RequestContext) => profileLoader(ctx).load(c.id),
  },
};
