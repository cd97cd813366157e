import DataLoader from 'dataloader';
import type { RequestContext, Resolvers } from '@commonhold/kit';
import type { VolunteerProfileRow } from './volunteer-profile.entity';
import { profilesByContact } from './volunteer-profile.store';
import { registerVolunteer } from './register-volunteer';
import { recordVolunteerConsent } from './record-consent';
import { consentsOf } from '../contacts';

const profileLoader = (ctx: RequestContext) =>
  ctx.loader('profile', () => new DataLoader<string, VolunteerProfileRow | null>((ids) => ctx.tx((m) => profilesByContact(m, ids))));

export const profilesResolvers: Resolvers = {
  Mutation: {
    recordVolunteerConsent: async (_: unknown, { input }: { input: { contactId: string; channel: string; granted: boolean; idempotencyKey: string } }, ctx: RequestContext) => {
      const contactId = await ctx.tx((m) => recordVolunteerConsent(m, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }));
      return { contact: { __typename: 'Contact', id: contactId } };
    },
    registerVolunteer: async (_: unknown, { input }: { input: { contactId: string; idempotencyKey: string } }, ctx: RequestContext) => {
      const { contactId } = await ctx.tx((m) => registerVolunteer(m, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }));
      return { volunteerProfile: await profileLoader(ctx).load(contactId) };
    },
  },
  Contact: {
    volunteerConsents: async (c: { id: string }, _: unknown, ctx: RequestContext) =>
      (await ctx.tx((m) => consentsOf(m, ctx.principal.tenantId, c.id))).map((x) => ({ ...x, channel: x.channel.toUpperCase() })),
    // Volunteers owns only the extension: any contact id resolves, its profile may be null.
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    volunteerProfile: (c: { id: string }, _: unknown, ctx: RequestContext) => profileLoader(ctx).load(c.id),
  },
};
