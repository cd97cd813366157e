import PgBoss from 'pg-boss';
import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { requestScope, withTenant, type ServiceRuntime } from '@commonhold/kit';
import type { VotingConfig } from '../../config';
import { closeVoteOnce } from './close-vote';
import { VOTE_QUEUES } from './votes.migration';

const ACTOR = 'voting.close';

/** The close of each vote as a pg-boss job due at its closing time (no timer of our own). */
export interface VoteCloser {
  boss: PgBoss;
  /** Queues the vote's close for `closesAt` in the caller's transaction (rolled back with it). */
  schedule(m: EntityManager, job: { tenantId: string; voteId: string; closesAt: Date; traceId: string | null }): Promise<void>;
  /** What the close job does: closes the vote if it is due and still open; false when nothing happened. */
  close(tenantId: string, voteId: string, traceId?: string | null): Promise<boolean>;
  stop(): Promise<void>;
}

/** A context whose (remote) parent span is in the vote's trace: spans and events of the close join it. */
export const voteTraceContext = (traceId: string): Context =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true });

/** pg-boss's external-db hook: the job is inserted in the caller's transaction. */
const inTransaction = (m: EntityManager) => ({ executeSql: async (text: string, values: unknown[]) => ({ rows: await m.query(text, values) }) });

const closers = new WeakMap<ServiceRuntime, Promise<VoteCloser>>();

/** The service's closer (started with the votes module). */
export function voteCloserOf(rt: ServiceRuntime): Promise<VoteCloser> {
  const c = closers.get(rt);
  if (!c) throw new Error('The vote closer is not running');
  return c;
}

export function startVoteCloser(rt: ServiceRuntime): Promise<VoteCloser> {
  const started = create(rt);
  closers.set(rt, started);
  return started;
}

async function create(rt: ServiceRuntime): Promise<VoteCloser> {
  const cfg = rt.config as unknown as VotingConfig;
  const boss = new PgBoss({ connectionString: cfg.DATABASE_URL, schema: 'pgboss', migrate: false, max: 3, application_name: 'voting-close' } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => rt.log.error({ err }, 'pg-boss error'));
  const closer: VoteCloser = {
    boss,
    async schedule(m, job) {
      await boss.send(
        VOTE_QUEUES.close,
        { tenantId: job.tenantId, voteId: job.voteId, traceId: job.traceId },
        { startAfter: job.closesAt, singletonKey: job.voteId, retryLimit: cfg.VOTING_CLOSE_ATTEMPTS - 1, retryDelay: 5, retryBackoff: true, db: inTransaction(m) },
      );
    },
    // The job runs under the trace id of the request that created the vote: the audit chain
    // vote → result → task → project → work order shares one trace id. The trace is also the job's
    // OpenTelemetry context, so the events it writes carry it (the outbox keeps the traceparent) and
    // vendors' work order continues the vote's trace instead of starting its own (NC-406).
    close: (tenantId, voteId, traceId) => {
      const id = traceId ?? randomBytes(16).toString('hex');
      return context.with(voteTraceContext(id), () =>
        trace.getTracer('voting').startActiveSpan('voting close vote', { attributes: { 'voting.vote_id': voteId } }, async (span) => {
          try {
            return await requestScope.run({ tenantId, requestId: `close-${voteId}`, traceId: id }, () =>
              withTenant(rt.ds, tenantId, (m) => closeVoteOnce(m, rt, tenantId, voteId, ACTOR, false)),
            );
          } finally {
            span.end();
          }
        }),
      );
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
  await boss.start();
  if (cfg.VOTING_WORKER) {
    const work = { batchSize: 1, pollingIntervalSeconds: cfg.VOTING_POLL_SECONDS } as const;
    await boss.work<{ tenantId: string; voteId: string; traceId?: string | null }>(VOTE_QUEUES.close, work, async ([job]) => {
      if (!job) return;
      // A tenant with voting switched off keeps its votes open; the job retries and then dead-letters.
      if (!(await rt.flags.isOn('ENABLE_VOTING', job.data.tenantId))) throw new Error('voting is disabled for this tenant');
      await closer.close(job.data.tenantId, job.data.voteId, job.data.traceId);
    });
  }
  return closer;
}
