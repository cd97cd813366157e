import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { CREATED_AT_ID, isUuid, keysetPage, type RequestContext } from '@commonhold/kit';
import { jobErrors, type ImportJobRow, type RunDeps } from './import.store';
import { runImportJob, startImport, type StartImportInput } from './use-cases';

type Ctx = RequestContext;

export const deps = (ctx: Ctx): RunDeps => ({ tx: ctx.tx, registry: ctx.runtime.registry, tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, log: ctx.log });

/** An import job as the API shows it (GraphQL and POST /imports). */
export function jobOut(j: ImportJobRow) {
  return {
    id: j.id,
    fileName: j.file_name,
    status: j.status,
    dryRun: j.dry_run,
    skipInvalidRows: j.skip_invalid_rows,
    totalRows: j.total_rows,
    validRows: j.valid_rows,
    invalidRows: j.invalid_rows,
    chunksTotal: j.chunks_total,
    chunksDone: j.status === 'VALIDATED' ? 0 : j.next_chunk,
    importedGifts: j.imported_gifts,
    alreadyImportedGifts: j.already_imported_gifts,
    createdContacts: j.created_contacts,
    matchedContacts: j.matched_contacts,
    newCampaignCodes: j.new_references.campaigns ?? [],
    newAppealCodes: j.new_references.appeals ?? [],
    newFundCodes: j.new_references.funds ?? [],
    lastError: j.last_error,
    createdAt: j.created_at,
    startedAt: j.started_at,
    completedAt: j.completed_at,
  };
}

export const importResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    fundraisingImportJob: async (_: unknown, { id }: { id: string }, ctx: Ctx) => {
      if (!isUuid(id)) return null;
      const [row] = await ctx.tx((m) => m.query(`SELECT * FROM import_jobs WHERE id = $1`, [id]));
      return row ? jobOut(row) : null;
    },
    fundraisingImportJobs: (_: unknown, args: { first?: number; after?: string }, ctx: Ctx) =>
      keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (j: ReturnType<typeof jobOut>) => [j.createdAt.toISOString(), j.id] }, async ({ after, take }) => {
        const rows: ImportJobRow[] = await ctx.tx((m) =>
          m.query(
            `SELECT * FROM import_jobs WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid)) ORDER BY created_at DESC, id DESC LIMIT $3`,
            [after?.[0] ?? null, after?.[1] ?? null, take],
          ),
        );
        return rows.map(jobOut);
      }),
  },
  Mutation: {
    startFundraisingImport: async (_: unknown, { input }: { input: StartImportInput }, ctx: Ctx) => ({ job: jobOut(await startImport(deps(ctx), input)) }),
    runFundraisingImport: async (_: unknown, { input }: { input: { jobId: string; skipInvalidRows?: boolean; idempotencyKey: string } }, ctx: Ctx) => ({
      job: jobOut(await runImportJob(deps(ctx), input)),
    }),
  },
  FundraisingImportJob: {
    errors: async (job: { id: string }, args: { first?: number; after?: string }, ctx: Ctx) => {
      let totalCount = 0;
      const conn = await keysetPage(args, { shape: ['int'], defaultSize: 100, cursorOf: (r: { seq: number }) => [r.seq] }, async ({ after, take }) => {
        const [rows, [count]] = await ctx.tx(async (m) => [
          await jobErrors(m, job.id, (after?.[0] as number | undefined) ?? -1, take),
          await m.query(`SELECT count(*)::int AS n FROM import_row_errors WHERE job_id = $1`, [job.id]),
        ]);
        totalCount = count.n;
        return rows.map((r: { seq: number; row_number: number; field: string; message: string }) => ({ seq: r.seq, rowNumber: r.row_number, field: r.field, message: r.message }));
      });
      return { totalCount, ...conn };
    },
  },
};
