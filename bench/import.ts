/**
 * `npm run bench -- import`: the historical import against a raw COPY, in one run.
 *
 *  1. Generates a deterministic CSV (--rows 50,000 gift rows from --donors 15,000 donors: people
 *     and organisations, emails, old-system contact ids, postcodes, every amount and date format,
 *     GBP and EUR, campaigns/appeals/funds; services/fundraising/test/import/dataset.ts).
 *  2. Import: the module's real code path (`startImport` dry run, then `runImportJob`: parse,
 *     validate, stage, then per chunk of 10,000 rows match donors, create contacts + households,
 *     insert gifts + allocations ON CONFLICT, announce new contacts; rollups of every donor that
 *     received gifts are recomputed once, with the last chunk) against a fresh fundraising database migrated as in
 *     production, reached as the non-owner app role under forced RLS.
 *  3. Baseline: COPY of the same rows the import writes (a contact per donor with its one-member
 *     household, campaigns/appeals/funds, a gift per row with its fund allocation) into the same
 *     tables of another fresh database, as its owner (COPY FROM is refused under RLS).
 *  4. Checks: rollups after the import equal a from-scratch recompute (`recomputeAllRollups`),
 *     and importing the same file again adds nothing.
 * Prints rows/s of both and the ratio (target ≥ 0.3×). --profile adds the slowest SQL statements.
 */
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import { createDataSource, defaultSchemasDir, EventRegistry, withTenant } from '@commonhold/kit';
import { createTestDatabase } from '@commonhold/testing';
import { fundraisingService } from '../services/fundraising/src/service';
import { recomputeAllRollups } from '../services/fundraising/src/modules/gifts/rollup.store';
import type { RunDeps } from '../services/fundraising/src/modules/import/import.store';
import { runImportJob, startImport } from '../services/fundraising/src/modules/import/use-cases';
import { generateDataset } from '../services/fundraising/test/import/dataset';
import { copyDataset } from './fundraising/dataset-copy';
import { provisionInfra, log } from './src/infra';
import { machine } from './src/machine';
import { flagArg, numArg, round } from './src/stats';

const TENANT = 'bench-import';

export async function importBench(argv: string[]): Promise<Record<string, unknown>> {
  const rows = numArg(argv, 'rows', 50_000);
  const donors = numArg(argv, 'donors', 15_000);
  const profile = flagArg(argv, 'profile');
  const host = await machine(argv);
  const infra = await provisionInfra();
  try {
    const data = generateDataset({ rows, donors, seed: 2026, prefix: 'B' });
    const csvBytes = Buffer.byteLength(data.csv);
    log(`dataset: ${rows} rows, ${data.donors.length} donors, ${round(csvBytes / 2 ** 20)} MB of CSV`);
    const registry = EventRegistry.fromDirectory(join(defaultSchemasDir(), 'events'));

    // ---------------------------------------------------------------- import (the module's path)
    const db = await createTestDatabase('benchimport', fundraisingService.migrations);
    const ds = createDataSource({ url: db.appUrl, entities: fundraisingService.entities, migrations: [], applicationName: 'bench-import' });
    await ds.initialize();
    const sql = new Map<string, { ms: number; n: number }>();
    const tx: RunDeps['tx'] = (fn) =>
      withTenant(ds, TENANT, (m: EntityManager) => {
        if (profile) {
          const query = m.query.bind(m);
          m.query = (async (text: string, params?: unknown[]) => {
            const t = performance.now();
            try {
              return await query(text, params);
            } finally {
              const k = text.replace(/\s+/g, ' ').trim().slice(0, 90);
              const s = sql.get(k) ?? { ms: 0, n: 0 };
              s.ms += performance.now() - t;
              s.n++;
              sql.set(k, s);
            }
          }) as typeof m.query;
        }
        return fn(m);
      });
    const deps: RunDeps = { tx, registry, tenantId: TENANT, actor: 'bench' };
    const counts = () =>
      tx(async (m) => (await m.query(`SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM gifts)::int AS gifts, (SELECT count(*) FROM gift_allocations)::int AS allocations, (SELECT count(*) FROM households)::int AS households`))[0]);

    const t0 = performance.now();
    const validated = await startImport(deps, { fileName: 'bench.csv', csv: data.csv, dryRun: true, idempotencyKey: 'bench-dry-run' });
    const t1 = performance.now();
    const job = await runImportJob(deps, { jobId: validated.id, idempotencyKey: 'bench-run' });
    const t2 = performance.now();
    if (job.status !== 'COMPLETED' || job.imported_gifts !== rows) throw new Error(`import did not complete: ${JSON.stringify(job)}`);
    const dryRunSeconds = (t1 - t0) / 1000;
    const runSeconds = (t2 - t1) / 1000;
    const importSeconds = (t2 - t0) / 1000;
    log(`import: dry run ${round(dryRunSeconds)} s + run ${round(runSeconds)} s (${job.chunks_total} chunks)`);
    const after = await counts();

    // Rollups as the import left them vs recomputed from scratch.
    const rollupsSql = `SELECT subject_type, subject_id, currency, total_minor, gift_count, first_gift_at, last_gift_at, by_fiscal_year::text FROM giving_rollups ORDER BY 1, 2, 3`;
    const rollups = JSON.stringify(await tx((m) => m.query(rollupsSql)));
    const recomputed = await tx((m) => recomputeAllRollups(m, TENANT));
    const rollupsRecomputed = JSON.stringify(await tx((m) => m.query(rollupsSql)));
    const [{ unrolled }] = await tx((m) => m.query(`SELECT count(*)::int AS unrolled FROM gifts WHERE NOT rolled_up`));

    // The same file again.
    const t3 = performance.now();
    const again = await startImport(deps, { fileName: 'bench.csv', csv: data.csv, dryRun: false, idempotencyKey: 'bench-again' });
    const againSeconds = (performance.now() - t3) / 1000;
    const afterAgain = await counts();
    await ds.destroy();

    // ---------------------------------------------------------------- raw COPY baseline
    const copyDb = await createTestDatabase('benchcopy', fundraisingService.migrations);
    // The same rows the import writes: contacts with their households, reference rows, gifts and
    // their fund allocations (rollups and the job's bookkeeping are the import's own extra work).
    const copied = await copyDataset(copyDb.ownerUrl, TENANT, data, { references: true, households: true });
    log(`COPY: ${copied.contacts} contacts (+ households) + ${copied.gifts} gifts (+ allocations) in ${round(copied.seconds)} s`);

    const importRowsPerSec = rows / importSeconds;
    const copyRowsPerSec = rows / copied.seconds;
    const ratio = importRowsPerSec / copyRowsPerSec;
    return {
      bench: 'import',
      host,
      dataset: { rows, donors: data.donors.length, csvMb: round(csvBytes / 2 ** 20), chunkSize: job.chunk_size, chunks: job.chunks_total },
      import: {
        rowsPerSec: round(importRowsPerSec),
        seconds: round(importSeconds),
        dryRunSeconds: round(dryRunSeconds),
        runSeconds: round(runSeconds),
        runOnlyRowsPerSec: round(rows / runSeconds),
        createdContacts: job.created_contacts,
        importedGifts: job.imported_gifts,
        tables: after,
      },
      copy: { rowsPerSec: round(copyRowsPerSec), seconds: round(copied.seconds), contacts: copied.contacts, gifts: copied.gifts },
      ratio: round(ratio),
      target: '≥ 0.3× (import rows/s, dry run + run, vs COPY rows/s)',
      meetsTarget: ratio >= 0.3,
      checks: {
        rollupsEqualRecompute: rollups === rollupsRecomputed,
        recomputedSubjects: recomputed,
        giftsNotRolledUp: unrolled,
        secondImport: { seconds: round(againSeconds), importedGifts: again.imported_gifts, alreadyImportedGifts: again.already_imported_gifts, createdContacts: again.created_contacts, tablesUnchanged: JSON.stringify(afterAgain) === JSON.stringify(after) },
      },
      ...(profile
        ? {
            slowestSql: [...sql.entries()]
              .sort((a, b) => b[1].ms - a[1].ms)
              .slice(0, 15)
              .map(([k, v]) => ({ sql: k, totalMs: round(v.ms), calls: v.n })),
          }
        : {}),
    };
  } finally {
    await infra.cleanup();
  }
}
