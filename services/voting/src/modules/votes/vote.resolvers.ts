import { accessScope, AppError, byIdLoader, manyOf, CREATED_AT_ID, cursorInstant, isUuid, keysetPage, notFound, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { findBuilding } from '../directory';
import { castBallot } from './cast-ballot';
import { cancelVote, closeVoteNow } from './close-vote';
import { createVote } from './create-vote';
import { voteResultCsv, voteResultPdf, type VoteReport } from './vote-export';
import { ballotsOf, findBallot, findVote, pageVotes, voters, type BallotRow, type VoteRow } from './vote.store';
import { voteCloserOf } from './worker';
import { up, voteOut } from './vote-out';

const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });
type VoteOut = ReturnType<typeof voteOut>;

/** A secret ballot's choice is shown only to a caller holding the apartment in its scope (its owner). */
const ballotOut = (ctx: RequestContext, v: VoteRow, b: BallotRow) => {
  const scope = accessScope(ctx.principal.scope);
  const own = !scope.global && scope.apartments.includes(b.apartment_id);
  return {
    id: b.id,
    voteId: b.vote_id,
    apartmentId: b.apartment_id,
    unit: b.unit,
    choice: v.secret_ballot && !own ? null : b.choice,
    weight: b.weight,
    channel: up(b.channel),
    changes: b.changes,
    castAt: b.cast_at,
    updatedAt: b.updated_at,
  };
};

const loadVote = async (ctx: RequestContext, id: string) => {
  const v = await ctx.tx((m) => findVote(m, ctx.principal.tenantId, id));
  return { vote: voteOut(v!) };
};

const votePage = async (ctx: RequestContext, args: PageArgs, buildingId: string | null) => {
  const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: VoteRow) => [cursorInstant(r.created_at), r.id] }, ({ after, take }) =>
    ctx.tx((m) => pageVotes(m, ctx.principal.tenantId, buildingId, after, take)),
  );
  return { ...page, edges: page.edges.map((e) => ({ ...e, node: voteOut(e.node) })) };
};

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const voteResolvers: Resolvers = {
  Query: {
    vote: async (_: unknown, { id }: { id: string }, ctx) => {
      if (!isUuid(id)) return null;
      const v = await ctx.tx((m) => findVote(m, ctx.principal.tenantId, id));
      return v ? voteOut(v) : null;
    },
    votes: async (_: unknown, args: PageArgs & { buildingId?: string | null }, ctx) => {
      if (args.buildingId != null && !isUuid(args.buildingId)) throw new AppError('BAD_USER_INPUT', 'buildingId must be a building id', { field: 'buildingId' });
      return votePage(ctx, args, args.buildingId ?? null);
    },
    voteResultExport: async (_: unknown, { voteId, format }: { voteId: string; format: 'CSV' | 'PDF' }, ctx) => {
      const report = await ctx.tx(async (m) => {
        const v = isUuid(voteId) ? await findVote(m, ctx.principal.tenantId, voteId) : null;
        if (!v) throw notFound('voteId', 'No such vote');
        if (v.status !== 'closed' || !v.result) throw new AppError('CONFLICT', 'The vote has no result yet', { field: 'voteId', details: { reason: 'NOT_CLOSED' } });
        const building = await findBuilding(m, ctx.principal.tenantId, v.building_id);
        const ballots = v.secret_ballot ? [] : await ballotsOf(m, ctx.principal.tenantId, v.id);
        const r: VoteReport = {
          id: v.id,
          title: v.title,
          question: v.question,
          building: building?.name ?? v.building_id,
          opensAt: v.opens_at,
          closesAt: v.closes_at,
          closedAt: v.closed_at,
          weighting: v.weighting,
          approvalRule: v.approval_rule,
          quorumPercent: v.quorum_bp / 100,
          secretBallot: v.secret_ballot,
          options: v.options,
          result: v.result,
          ballots: ballots.map((b) => ({ unit: b.unit, choice: b.choice, weight: b.weight })),
        };
        return r;
      });
      if (format === 'CSV') return { filename: `vote-${report.id}.csv`, contentType: 'text/csv; charset=utf-8', encoding: 'utf8', content: voteResultCsv(report) };
      return { filename: `vote-${report.id}.pdf`, contentType: 'application/pdf', encoding: 'base64', content: (await voteResultPdf(report)).toString('base64') };
    },
  },
  Mutation: {
    createVote: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => {
      const closer = await voteCloserOf(ctx.runtime);
      return loadVote(ctx, await ctx.tx((m) => createVote(m, closer, { ...who(ctx), input })));
    },
    castBallot: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => {
      const channel = ctx.principal.scope !== 'global' && ctx.principal.roles.includes('owner') ? 'owner' : 'staff';
      const id = await ctx.tx((m) => castBallot(m, { ...who(ctx), scope: ctx.principal.scope, channel, input }));
      return ctx.tx(async (m) => {
        const [b] = await m.query(`SELECT vote_id, apartment_id FROM ballots WHERE tenant_id = $1 AND id = $2`, [ctx.principal.tenantId, id]);
        const v = (await findVote(m, ctx.principal.tenantId, b.vote_id))!;
        const ballot = (await findBallot(m, ctx.principal.tenantId, v.id, b.apartment_id))!;
        return { ballot: ballotOut(ctx, v, ballot), vote: voteOut(v) };
      });
    },
    closeVote: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => loadVote(ctx, await ctx.tx((m) => closeVoteNow(m, ctx.runtime, { ...who(ctx), input }))),
    cancelVote: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => loadVote(ctx, await ctx.tx((m) => cancelVote(m, { ...who(ctx), input }))),
  },
  Building: {
    // collections owns buildings; voting answers only for the votes field of ids it knows.
    __resolveReference: (ref: { id: string }) => (isUuid(ref.id) ? { id: ref.id } : null),
    // A building voting has not projected for this tenant (another tenant's, or not seen yet) has no votes to page: null, not an empty page.
    votes: async (b: { id: string }, args: PageArgs, ctx: RequestContext) =>
      (await ctx.tx((m) => findBuilding(m, ctx.principal.tenantId, b.id))) ? votePage(ctx, args, b.id) : null,
  },
  Vote: {
    // One transaction for every reference of the request (`_entities` may carry hundreds): a connection, not one each.
    __resolveReference: async (ref: { id: string }, ctx: RequestContext) => {
      const v = await byIdLoader(ctx, 'vote-refs', (m, ids) => manyOf(ids, (id) => findVote(m, ctx.principal.tenantId, id))).load(ref.id);
      return v ? voteOut(v) : null;
    },
    voters: async (v: VoteOut, _: unknown, ctx: RequestContext) => {
      const [vs, bs] = await ctx.tx((m) => Promise.all([voters(m, ctx.principal.tenantId, v.id), ballotsOf(m, ctx.principal.tenantId, v.id)]));
      const voted = new Set(bs.map((b) => b.apartment_id));
      return vs.map((x) => ({ apartmentId: x.apartment_id, unit: x.unit, weight: x.weight, hasVoted: voted.has(x.apartment_id) }));
    },
    ballots: async (v: VoteOut, _: unknown, ctx: RequestContext) => {
      const bs = await ctx.tx((m) => ballotsOf(m, ctx.principal.tenantId, v.id));
      return bs.map((b) => ballotOut(ctx, v._row, b));
    },
  },
};
