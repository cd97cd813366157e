import { groupLoader, isUuid, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { who } from '../../shared/core.resolvers';
import { sharesComplete } from './building';
import { apartmentLoader, buildingLoader } from './building.loaders';
import {
  buildingShareTotals,
  findApartments,
  findBuildings,
  findParty,
  pageApartments,
  pageBuildings,
  partiesOfApartments,
  type ApartmentRow,
  type BuildingRow,
  type PartyRow,
} from './building.store';
import { addApartmentParty, eraseApartmentParty, updateApartmentParty } from './manage-parties';
import { createApartment, deleteApartment, setBuildingShares, updateApartment } from './manage-apartments';
import { createBuilding, deleteBuilding, updateBuilding } from './manage-buildings';

type Ctx = RequestContext;
type Input = { input: Record<string, any> & { idempotencyKey: string } };

const partiesLoader = (ctx: Ctx) => groupLoader<PartyRow>(ctx, 'parties', (p) => p.apartmentId, (m, ids) => partiesOfApartments(m, ctx.principal.tenantId, ids));
const sharesLoader = (ctx: Ctx) =>
  groupLoader<{ buildingId: string; shares: (number | null)[] }>(ctx, 'building-shares', (r) => r.buildingId, (m, ids) => buildingShareTotals(m, ctx.principal.tenantId, ids));

const upper = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
/** GraphQL enums arrive upper case; the domain speaks lower case. */
const lowerEnums = (input: Record<string, any>) => ({ ...input, ...(input.role ? { role: upper(input.role) } : {}), ...(input.preferredChannel ? { preferredChannel: upper(input.preferredChannel) } : {}) });

const withBuilding = (ctx: Ctx, id: string) => ctx.tx(async (m) => ({ building: (await findBuildings(m, ctx.principal.tenantId, [id]))[0] }));
const withApartment = (ctx: Ctx, id: string) => ctx.tx(async (m) => ({ apartment: (await findApartments(m, ctx.principal.tenantId, [id]))[0] }));
const withParty = (ctx: Ctx, id: string) => ctx.tx(async (m) => ({ party: await findParty(m, ctx.principal.tenantId, id) }));

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const buildingResolvers: Resolvers = {
  Query: {
    building: (_: unknown, { id }: { id: string }, ctx: Ctx) => (isUuid(id) ? buildingLoader(ctx).load(id) : null),
    buildings: (_: unknown, args: PageArgs, ctx: Ctx) => (ctx.tx((m) => pageBuildings(m, ctx.principal.tenantId, args))),
    apartment: (_: unknown, { id }: { id: string }, ctx: Ctx) => (isUuid(id) ? apartmentLoader(ctx).load(id) : null),
    apartments: (_: unknown, args: PageArgs & { buildingId?: string | null }, ctx: Ctx) => {
      if (args.buildingId && !isUuid(args.buildingId)) return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
      return ctx.tx((m) => pageApartments(m, ctx.principal.tenantId, args.buildingId ?? null, args));
    },
  },
  Building: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => (isUuid(ref.id) ? buildingLoader(ctx).load(ref.id) : null),
    address: (b: BuildingRow) => ({ line1: b.line1, line2: b.line2, city: b.city, postcode: b.postcode, country: b.country }),
    sharesComplete: async (b: BuildingRow, _: unknown, ctx: Ctx) => b.sharesSetAt !== null && sharesComplete((await sharesLoader(ctx).load(b.id))[0]?.shares ?? []),
    ownershipShareTotal: async (b: BuildingRow, _: unknown, ctx: Ctx) => ((await sharesLoader(ctx).load(b.id))[0]?.shares ?? []).reduce<number>((s, x) => s + (x ?? 0), 0),
    apartments: (b: BuildingRow, args: PageArgs, ctx: Ctx) => ctx.tx((m) => pageApartments(m, ctx.principal.tenantId, b.id, args)),
  },
  Apartment: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => (isUuid(ref.id) ? apartmentLoader(ctx).load(ref.id) : null),
    building: (a: ApartmentRow, _: unknown, ctx: Ctx) => buildingLoader(ctx).load(a.buildingId),
    parties: (a: ApartmentRow, _: unknown, ctx: Ctx) => partiesLoader(ctx).load(a.id),
  },
  ApartmentParty: {
    role: (p: PartyRow) => p.role.toUpperCase(),
    preferredChannel: (p: PartyRow) => p.preferredChannel.toUpperCase(),
  },
  Mutation: {
    createBuilding: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => createBuilding(m, ctx.runtime.registry, { ...who(ctx), input }));
      return withBuilding(ctx, id);
    },
    updateBuilding: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => updateBuilding(m, ctx.runtime.registry, { ...who(ctx), input: input as any }));
      return withBuilding(ctx, id);
    },
    deleteBuilding: async (_: unknown, { input }: Input, ctx: Ctx) => ({ id: await ctx.tx((m) => deleteBuilding(m, ctx.runtime.registry, { ...who(ctx), input: input as any })) }),
    createApartment: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => createApartment(m, ctx.runtime.registry, { ...who(ctx), input: input as any }));
      return withApartment(ctx, id);
    },
    updateApartment: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => updateApartment(m, ctx.runtime.registry, { ...who(ctx), input: input as any }));
      return withApartment(ctx, id);
    },
    deleteApartment: async (_: unknown, { input }: Input, ctx: Ctx) => ({ id: await ctx.tx((m) => deleteApartment(m, ctx.runtime.registry, { ...who(ctx), input: input as any })) }),
    setBuildingShares: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => setBuildingShares(m, ctx.runtime.registry, { ...who(ctx), input: input as any }));
      return withBuilding(ctx, id);
    },
    addApartmentParty: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => addApartmentParty(m, ctx.runtime.registry, { ...who(ctx), input: lowerEnums(input) as any }));
      return withParty(ctx, id);
    },
    updateApartmentParty: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => updateApartmentParty(m, ctx.runtime.registry, { ...who(ctx), input: lowerEnums(input) as any }));
      return withParty(ctx, id);
    },
    eraseApartmentParty: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => eraseApartmentParty(m, ctx.runtime.registry, { ...who(ctx), input: input as any }));
      return withParty(ctx, id);
    },
  },
};
