import { isUuid, type RequestContext, type Resolvers } from '@commonhold/kit';
import { createExport } from './create-export';
import { linkKeyring } from './download.route';
import { signExportLink } from './export-link';
import { findExport, type ExportRow } from './exports.store';

const exportOut = (e: ExportRow, ctx: RequestContext) => {
  // A fresh short-lived link each time the export is read.
  const link = signExportLink(linkKeyring(ctx.runtime), ctx.principal.tenantId, e.id);
  return {
    id: e.id,
    dataset: e.dataset.toUpperCase(),
    format: e.format.toUpperCase(),
    buildingId: e.building_id,
    jobId: e.job_id,
    filename: e.filename,
    contentType: e.content_type,
    rows: e.rows,
    sha256: e.sha256,
    createdBy: e.created_by,
    createdAt: e.created_at,
    downloadUrl: link.url,
    downloadExpiresAt: link.expiresAt,
  };
};

/** Thin: GraphQL in, the use case or a read, GraphQL out. */
export const exportResolvers: Resolvers = {
  Query: {
    bulkExport: async (_: unknown, { id }: { id: string }, ctx) => {
      if (!isUuid(id)) return null;
      const e = await ctx.tx((m) => findExport(m, ctx.principal.tenantId, id));
      return e ? exportOut(e, ctx) : null;
    },
  },
  Mutation: {
    exportBulkData: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => {
      const e = await ctx.tx(async (m) => findExport(m, ctx.principal.tenantId, await createExport(m, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input })));
      return { export: exportOut(e!, ctx) };
    },
  },
};
