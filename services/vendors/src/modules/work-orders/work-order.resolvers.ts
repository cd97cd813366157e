import { AppError, badInput, CREATED_AT_ID, cursorInstant, isUuid, keysetPage, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import DataLoader from 'dataloader';
import { loadVendor, requirePortal, requirePortalFor, who } from '../vendors';
import { documentMaxBytes, documentStorage, sha256Hex } from './document-storage';
import {
  cancelWorkOrder, closeWorkOrder, completeWorkOrder, createWorkOrder, offerWorkOrder, respondToWorkOrder, startWorkOrder, verifyWorkOrder, type AfterCommit, type WorkOrderDeps,
} from './manage-work-orders';
import { uploadDocument } from './upload-document';
import { vendorMetrics } from './work-order.metrics';
import { WORK_ORDER_STATUSES } from './work-order';
import { loadWorkOrder, workOrderOut, type WorkOrderOut } from './work-order-read';
import { documentsOf, findDocument, findWorkOrder, pageWorkOrders, type DocumentRow, type WorkOrderRow } from './work-order.store';

const up = (s: string) => s.toUpperCase();

const documentOut = (d: DocumentRow) => ({
  id: d.id, kind: up(d.kind), fileName: d.file_name, contentType: d.content_type, sizeBytes: d.size_bytes, sha256: d.sha256, uploadedBy: d.uploaded_by, createdAt: d.created_at, storageKey: d.storage_key,
});

/** Runs a use case in the caller's transaction, then what it left for after the commit (metrics). */
async function run(ctx: RequestContext, fn: (deps: WorkOrderDeps) => (m: Parameters<Parameters<RequestContext['tx']>[0]>[0]) => Promise<string>): Promise<string> {
  const afterCommit: AfterCommit = [];
  const metrics = vendorMetrics(ctx.runtime.metrics.registry);
  const id = await ctx.tx(fn({ registry: ctx.runtime.registry, afterCommit, onBreach: (kind) => metrics.slaBreaches.inc({ kind }) }));
  for (const f of afterCommit) f();
  return id;
}

const payload = async (ctx: RequestContext, id: string) => ({ workOrder: workOrderOut((await ctx.tx((m) => findWorkOrder(m, ctx.principal.tenantId, id)))!) });
type Input = { input: Record<string, unknown> };

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const workOrderResolvers: Resolvers = {
  Query: {
    workOrder: async (_: unknown, { id }: { id: string }, ctx) => {
      await requirePortalFor(ctx);
      return loadWorkOrder(ctx, id);
    },
    workOrders: async (_: unknown, args: PageArgs & { status?: string | null; buildingId?: string | null }, ctx) => {
      await requirePortalFor(ctx);
      const status = args.status ? args.status.toLowerCase() : null;
      if (status && !(WORK_ORDER_STATUSES as readonly string[]).includes(status)) throw badInput('status', 'unknown status');
      if (args.buildingId != null && !isUuid(args.buildingId)) throw badInput('buildingId', 'buildingId is a uuid');
      const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: WorkOrderRow) => [cursorInstant(r.created_at), r.id] }, ({ after, take }) =>
        ctx.tx((m) => pageWorkOrders(m, ctx.principal.tenantId, { status, buildingId: args.buildingId ?? null }, after, take)),
      );
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: workOrderOut(e.node) })) };
    },
  },
  Mutation: {
    createWorkOrder: async (_: unknown, { input }: Input, ctx) => payload(ctx, await run(ctx, (d) => (m) => createWorkOrder(m, d, { ...who(ctx), input }))),
    offerWorkOrder: async (_: unknown, { input }: Input, ctx) => payload(ctx, await ctx.tx((m) => offerWorkOrder(m, { ...who(ctx), input }))),
    cancelWorkOrder: async (_: unknown, { input }: Input, ctx) => payload(ctx, await ctx.tx((m) => cancelWorkOrder(m, { ...who(ctx), input }))),
    verifyWorkOrder: async (_: unknown, { input }: Input, ctx) => payload(ctx, await ctx.tx((m) => verifyWorkOrder(m, { ...who(ctx), input }))),
    closeWorkOrder: async (_: unknown, { input }: Input, ctx) => payload(ctx, await ctx.tx((m) => closeWorkOrder(m, { ...who(ctx), input }))),
    respondToWorkOrder: async (_: unknown, { input }: Input, ctx) => {
      await requirePortal(ctx);
      return payload(ctx, await run(ctx, (d) => (m) => respondToWorkOrder(m, d, { ...who(ctx), input })));
    },
    startWorkOrder: async (_: unknown, { input }: Input, ctx) => {
      await requirePortal(ctx);
      return payload(ctx, await ctx.tx((m) => startWorkOrder(m, { ...who(ctx), input })));
    },
    completeWorkOrder: async (_: unknown, { input }: Input, ctx) => {
      await requirePortal(ctx);
      return payload(ctx, await run(ctx, (d) => (m) => completeWorkOrder(m, d, { ...who(ctx), input })));
    },
    uploadWorkOrderDocument: async (_: unknown, { input }: Input, ctx) => {
      await requirePortal(ctx);
      const id = await ctx.tx((m) => uploadDocument(m, documentStorage(ctx.runtime), documentMaxBytes(ctx.runtime), { ...who(ctx), input }));
      return { document: documentOut((await ctx.tx((m) => findDocument(m, ctx.principal.tenantId, id)))!) };
    },
  },
  WorkOrder: {
    __resolveReference: async (ref: { id: string }, ctx: RequestContext) => loadWorkOrder(ctx, ref.id),
    vendor: async (w: WorkOrderOut, _: unknown, ctx: RequestContext) => (w.vendorId ? loadVendor(ctx, w.vendorId) : null),
    documents: async (w: WorkOrderOut, _: unknown, ctx: RequestContext) => {
      const loader = ctx.loader('work-order-documents', () => new DataLoader<string, DocumentRow[]>(async (ids) => {
        const rows = await ctx.tx((m) => documentsOf(m, ctx.principal.tenantId, ids));
        return ids.map((id) => rows.filter((r) => r.work_order_id === id));
      }));
      return (await loader.load(w.id)).map(documentOut);
    },
  },
  WorkOrderDocument: {
    contentBase64: async (d: ReturnType<typeof documentOut>, _: unknown, ctx: RequestContext) => {
      const bytes = await documentStorage(ctx.runtime).get(d.storageKey);
      if (sha256Hex(bytes) !== d.sha256) throw new AppError('CONFLICT', 'The stored document no longer matches its checksum', { details: { reason: 'CHECKSUM_MISMATCH', documentId: d.id } });
      return bytes.toString('base64');
    },
  },
};
