import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { byIdLoader, CREATED_AT_ID, keysetPage, validIds, type RequestContext } from '@commonhold/kit';
import { contactLoader } from './contact.loader';
import { displayName } from './contact';
import { ContactEntity, type ContactRow } from './contact.entity';
import { rowToFields } from './contact.store';
import { recordConsent, type ConsentChannel, type ConsentRow } from './record-consent';
import { createContact } from './create-contact';
import { duplicatesOf, findDuplicates, matchProbe } from './duplicate.store';
import { eraseContact } from './erase-contact';
import type { HouseholdRow } from './household.store';
import { addContactToHousehold, updateHousehold } from './households';
import { mergeContacts } from './merge-contacts';
import { updateContact } from './update-contact';

type Ctx = RequestContext;
type Input = Record<string, unknown> & { idempotencyKey: string };
const cmd = (ctx: Ctx) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });

interface HouseholdOut {
  id: string;
  name: string;
  formalGreeting: string;
  informalGreeting: string;
  automaticNaming: boolean;
}

const householdOut = (h: HouseholdRow): HouseholdOut => ({
  id: h.id,
  name: h.name,
  formalGreeting: h.formal_greeting,
  informalGreeting: h.informal_greeting,
  automaticNaming: !h.name_overridden,
});

const householdLoader = (ctx: Ctx) =>
  byIdLoader<HouseholdOut>(ctx, 'household', async (m, ids) => (await m.query(`SELECT * FROM households WHERE id = ANY($1::uuid[])`, [ids])).map(householdOut));

interface ConsentOut {
  channel: ConsentChannel;
  granted: boolean;
  source: string;
  recordedAt: Date;
}
const consentOut = (r: ConsentRow): ConsentOut => ({ channel: r.channel, granted: r.granted, source: r.source, recordedAt: r.recorded_at });

/** Every consent statement of each contact, newest first (ties: latest recorded row first). */
const consentLoader = (ctx: Ctx) =>
  ctx.loader(
    'contactConsents',
    () =>
      new DataLoader<string, ConsentOut[]>(async (contactIds) => {
        const ids = validIds(contactIds);
        const rows: ConsentRow[] = ids.length
          ? await ctx.tx((m) => m.query(`SELECT * FROM contact_consents WHERE contact_id = ANY($1::uuid[]) ORDER BY recorded_at DESC, id DESC`, [ids]))
          : [];
        return contactIds.map((id) => rows.filter((r) => r.contact_id === id).map(consentOut));
      }),
  );

/** Members of each household (active contacts, in member order). */
const memberIdsLoader = (ctx: Ctx) =>
  ctx.loader(
    'householdMembers',
    () =>
      new DataLoader<string, string[]>(async (householdIds) => {
        const ids = validIds(householdIds);
        const rows: { id: string; household_id: string }[] = ids.length
          ? await ctx.tx((m) =>
              m.query(
                `SELECT id, household_id FROM contacts WHERE household_id = ANY($1::uuid[]) AND merged_into_id IS NULL AND erased_at IS NULL ORDER BY created_at, id`,
                [ids],
              ),
            )
          : [];
        return householdIds.map((h) => rows.filter((r) => r.household_id === h).map((r) => r.id));
      }),
  );

const loadContacts = async (ctx: Ctx, ids: string[]) => (await contactLoader(ctx).loadMany(ids)).filter((c): c is ContactRow => !!c && !(c instanceof Error));

export const contactResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    contact: (_: unknown, { id }: { id: string }, ctx: Ctx) => contactLoader(ctx).load(id),
    contacts: (_: unknown, args: { first?: number; after?: string; includeMerged?: boolean }, ctx: Ctx) =>
      keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (c: ContactRow) => [c.createdAt.toISOString(), c.id] }, ({ after, take }) =>
        ctx.tx((m) => {
          const qb = m.getRepository(ContactEntity).createQueryBuilder('c').orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').limit(take);
          if (!args.includeMerged) qb.andWhere('c.merged_into_id IS NULL');
          if (after) qb.andWhere('(c.created_at, c.id) < (:at::timestamptz, :id::uuid)', { at: after[0], id: after[1] });
          return qb.getMany();
        }),
      ),
    household: (_: unknown, { id }: { id: string }, ctx: Ctx) => householdLoader(ctx).load(id),
    possibleDuplicates: (_: unknown, { input }: { input: Record<string, unknown> }, ctx: Ctx) => {
      const probe = matchProbe(input);
      return ctx.tx((m) => findDuplicates(m, ctx.principal.tenantId, probe));
    },
  },
  Mutation: {
    createContact: async (_: unknown, { input }: { input: Input }, ctx: Ctx) => {
      const { contactId } = await ctx.tx((m) => createContact(m, ctx.runtime.registry, { ...cmd(ctx), input }));
      return { contact: await contactLoader(ctx).load(contactId) };
    },
    updateContact: async (_: unknown, { input }: { input: Input & { contactId: string } }, ctx: Ctx) => {
      const { contactId } = await ctx.tx((m) => updateContact(m, ctx.runtime.registry, { ...cmd(ctx), input }));
      return { contact: await contactLoader(ctx).load(contactId) };
    },
    addContactToHousehold: async (_: unknown, { input }: { input: Input & { contactId: string; householdId?: string | null } }, ctx: Ctx) => {
      const r = await ctx.tx((m) => addContactToHousehold(m, ctx.runtime.registry, { ...cmd(ctx), input }));
      return { contact: await contactLoader(ctx).load(r.contactId), household: await householdLoader(ctx).load(r.householdId) };
    },
    updateHousehold: async (_: unknown, { input }: { input: Input & { householdId: string } }, ctx: Ctx) => {
      const { householdId } = await ctx.tx((m) => updateHousehold(m, { ...cmd(ctx), input }));
      return { household: await householdLoader(ctx).load(householdId) };
    },
    mergeContacts: async (_: unknown, { input }: { input: Input & { survivorId: string; duplicateId: string } }, ctx: Ctx) => {
      const r = await ctx.tx((m) => mergeContacts(m, ctx.runtime.registry, { ...cmd(ctx), input }));
      return { survivor: await contactLoader(ctx).load(r.survivorId), duplicate: await contactLoader(ctx).load(r.duplicateId) };
    },
    recordConsent: async (_: unknown, { input }: { input: Input & { contactId: string } }, ctx: Ctx) => {
      const r = await ctx.tx((m) => recordConsent(m, ctx.runtime.registry, { ...cmd(ctx), input }));
      const [row]: ConsentRow[] = await ctx.tx((m) => m.query(`SELECT * FROM contact_consents WHERE id = $1`, [r.consentId]));
      return { contact: await contactLoader(ctx).load(r.contactId), consent: row ? consentOut(row) : null };
    },
    eraseContact: async (_: unknown, { input }: { input: Input & { contactId: string; reason: string } }, ctx: Ctx) => {
      const { contactId } = await ctx.tx((m) => eraseContact(m, ctx.runtime.registry, { ...cmd(ctx), input }));
      return { contact: await contactLoader(ctx).load(contactId) };
    },
  },
  Contact: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => contactLoader(ctx).load(ref.id),
    displayName: (c: ContactRow) => displayName(c),
    address: (c: ContactRow) => rowToFields(c).address,
    household: (c: ContactRow, _: unknown, ctx: Ctx) => (c.householdId ? householdLoader(ctx).load(c.householdId) : null),
    // History is newest first, so the first statement seen per channel is the current one.
    consents: async (c: ContactRow, _: unknown, ctx: Ctx) => {
      const current = new Map<ConsentChannel, ConsentOut>();
      for (const r of await consentLoader(ctx).load(c.id)) if (!current.has(r.channel)) current.set(r.channel, r);
      return [...current.values()];
    },
    consentHistory: async (c: ContactRow, { channel }: { channel?: ConsentChannel | null }, ctx: Ctx) =>
      (await consentLoader(ctx).load(c.id)).filter((r) => !channel || r.channel === channel),
    mergedInto: (c: ContactRow) => c.mergedIntoId,
    possibleDuplicates: (c: ContactRow, _: unknown, ctx: Ctx) => ctx.tx((m) => duplicatesOf(m, ctx.principal.tenantId, c)),
  },
  Household: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => householdLoader(ctx).load(ref.id),
    members: async (h: HouseholdOut, _: unknown, ctx: Ctx) => loadContacts(ctx, await memberIdsLoader(ctx).load(h.id)),
  },
};
