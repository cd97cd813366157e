import { idempotent } from '@commonhold/kit';
import { claimImport, loadJob, runImport, stageImport, type ImportJobRow, type RunDeps } from './import.store';

export interface StartImportInput {
  fileName?: unknown;
  csv?: unknown;
  dryRun?: unknown;
  skipInvalidRows?: unknown;
  idempotencyKey: string;
}

/**
 * `startFundraisingImport` (GraphQL and POST /imports): validate + stage once per idempotency key;
 * then, unless it is a dry run or has invalid rows it may not skip, import it chunk by chunk.
 * A replay with the same key returns the same job (resuming it if it was interrupted).
 */
export async function startImport(deps: RunDeps, input: StartImportInput, opts: { chunkSize?: number } = {}): Promise<ImportJobRow> {
  const dryRun = input.dryRun !== false;
  const jobId = await deps.tx((m) =>
    idempotent(m, deps.tenantId, 'startFundraisingImport', input as unknown as Record<string, unknown>, () =>
      stageImport(m, {
        tenantId: deps.tenantId,
        actor: deps.actor,
        fileName: input.fileName,
        csv: input.csv,
        dryRun,
        skipInvalidRows: input.skipInvalidRows === true,
        chunkSize: opts.chunkSize,
      }),
    ),
  );
  let job = await deps.tx((m) => loadJob(m, 'input', jobId));
  if (dryRun || job.status === 'COMPLETED' || (job.invalid_rows > 0 && !job.skip_invalid_rows)) return job;
  if (job.status === 'VALIDATED') job = await deps.tx((m) => claimImport(m, jobId));
  return runImport(deps, job.id);
}

/** `runFundraisingImport`: claim a validated job (or one to resume), then import what is left. */
export async function runImportJob(deps: RunDeps, input: { jobId?: unknown; skipInvalidRows?: unknown; idempotencyKey: string }): Promise<ImportJobRow> {
  const jobId = await deps.tx((m) =>
    idempotent(m, deps.tenantId, 'runFundraisingImport', input as unknown as Record<string, unknown>, async () =>
      (await claimImport(m, input.jobId, { skipInvalidRows: input.skipInvalidRows === true })).id,
    ),
  );
  return runImport(deps, jobId);
}
