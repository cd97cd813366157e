import { groupLoader, isUuid, money, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { apartmentLoader, buildingLoader } from '../buildings';
import { addDays, bucketOf, calendarDate, todayUtc } from '../ledger';
import { remindersOf } from '../runs';
import { bucketRange, QUEUE_STATUSES, queueStatus } from './queue';
import { pageQueue, type QueueRow } from './queue.store';

type Ctx = RequestContext;
interface QueueArgs extends PageArgs {
  filter?: { bucket?: string | null; status?: string | null; buildingId?: string | null } | null;
  asOf?: string | null;
}
const EMPTY = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
const BUCKET_ENUM = { notDue: 'NOT_DUE', d0_30: 'D0_30', d31_60: 'D31_60', d61_90: 'D61_90', d90Plus: 'D90_PLUS' } as const;

/** The real reminders of the page's apartments, batched per request. */
const remindersLoader = (ctx: Ctx) => groupLoader(ctx, 'queue-reminders', (r: { apartmentId: string }) => r.apartmentId, (m, ids) => remindersOf(m, ctx.principal.tenantId, ids));

/** The item's reminders of the current overdue episode: planned by runs after its oldest unpaid debt fell due. */
async function episodeReminders(r: QueueRow, ctx: Ctx) {
  const since = addDays(r.asOf, -r.oldestDaysPastDue);
  return (await remindersLoader(ctx).load(r.apartmentId)).filter((e) => e.runAsOf > since);
}

/** Thin: GraphQL in, the queue read, GraphQL out. */
export const queueResolvers: Resolvers = {
  Query: {
    collectionsQueue: (_: unknown, args: QueueArgs, ctx: Ctx) => {
      const f = args.filter ?? {};
      const asOf = args.asOf == null ? todayUtc() : calendarDate('asOf', args.asOf);
      const range = bucketRange(f.bucket) ?? { min: 1, max: Number.MAX_SAFE_INTEGER };
      const status = f.status == null ? null : (f.status.toLowerCase() as (typeof QUEUE_STATUSES)[number]);
      if (f.buildingId != null && !isUuid(f.buildingId)) return EMPTY;
      return ctx.tx((m) => pageQueue(m, ctx.principal.tenantId, asOf, { buildingId: f.buildingId ?? null, minDays: range.min, maxDays: range.max, status }, args));
    },
  },
  CollectionsQueueItem: {
    apartment: (r: QueueRow, _: unknown, ctx: Ctx) => apartmentLoader(ctx).load(r.apartmentId),
    building: (r: QueueRow, _: unknown, ctx: Ctx) => buildingLoader(ctx).load(r.buildingId),
    balance: (r: QueueRow) => money(r.balanceMinor, r.currency),
    overdue: (r: QueueRow) => money(r.overdueMinor, r.currency),
    bucket: (r: QueueRow) => BUCKET_ENUM[bucketOf(r.oldestDaysPastDue)],
    status: (r: QueueRow) => queueStatus(r.latestPromise).toUpperCase(),
    promiseId: (r: QueueRow) => r.promiseId,
    reminders: async (r: QueueRow, _: unknown, ctx: Ctx) => (await episodeReminders(r, ctx)).length,
    reminderRetries: async (r: QueueRow, _: unknown, ctx: Ctx) => (await episodeReminders(r, ctx)).reduce((n, e) => n + Math.max(0, e.attempts - 1), 0),
    lastReminder: async (r: QueueRow, _: unknown, ctx: Ctx) => (await episodeReminders(r, ctx))[0] ?? null,
  },
};
