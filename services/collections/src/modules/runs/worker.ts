import PgBoss from 'pg-boss';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource, EntityManager } from 'typeorm';
import { newEvent, publishEvents, requestScope, withTenant, writeAudit, type EventRegistry, type ServiceRuntime } from '@commonhold/kit';
import { createDeliveryMetrics, createNotifierFromConfig, type DeliveryOutcomeEvent, type NotificationMessage, type Notifier } from '@commonhold/notifications';
import type { CollectionsConfig } from '../../config';
import { advanceReminder, scheduledRunDue, type ReminderStatus } from './run';
import { completeRunIfDone, eventsOfRun, findEvent, logEvent, markRunRunning, recipientsOf, updateEvent, type EventRow } from './run.store';
import { DUNNING_QUEUES } from './runs.migration';
import { PgDeliveryStore } from '@commonhold/notifications/pg';
import { planRun } from './start-run';
import { DunningTemplateSource } from './templates';

const ACTOR = 'collections.dunning';

/**
 * The dunning worker: pg-boss (schedules, jobs, retries with backoff, dead letters) and the
 * notifier (email over SMTP, SMS through the provider, PDF letters) with delivery records in
 * collections' database. One per running service; started by the runs module.
 */
export interface DunningWorker {
  boss: PgBoss;
  notifier: Notifier;
  /** The Twilio status callback handler (signature checked against SMS_STATUS_CALLBACK_URL); undefined without Twilio and that URL. */
  smsStatusCallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Queues the delivery of a run's pending reminders (after the run's transaction committed). */
  enqueueRun(tenantId: string, runId: string, m?: EntityManager): Promise<void>;
  /** Delivers a run's pending reminders here and now, one by one (what the run job does; tests resume with it). */
  executeRun(tenantId: string, runId: string): Promise<void>;
  /** Sends one reminder once; 'retry' when the channel deferred it and attempts remain. */
  deliver(tenantId: string, eventId: string, lastAttempt: boolean): Promise<'done' | 'retry'>;
  /** Creates each tenant's daily run when it is due in its time zone and re-drives unfinished runs. */
  tick(now?: Date): Promise<string[]>;
  stop(): Promise<void>;
}

const newTraceId = () => randomBytes(16).toString('hex');

/** pg-boss's external-db hook: the job is inserted in the caller's transaction. */
const inTransaction = (m: EntityManager) => ({
  executeSql: async (text: string, values: unknown[]) => ({
    rows: await m.query(text, values),
  }),
});

/** Jobs run under the trace id of the request that queued them, so their audit rows carry it. */
function inJobScope<T>(data: { tenantId: string; traceId?: string }, jobId: string, fn: () => Promise<T>): Promise<T> {
  return requestScope.run(
    {
      tenantId: data.tenantId,
      requestId: jobId,
      traceId: data.traceId ?? newTraceId(),
    },
    fn,
  );
}

const workers = new WeakMap<ServiceRuntime, Promise<DunningWorker>>();

/** The service's worker (started with the service). */
export function dunningWorkerOf(rt: ServiceRuntime): Promise<DunningWorker> {
  const w = workers.get(rt);
  if (!w) throw new Error('The dunning worker is not running');
  return w;
}

export function startDunningWorker(rt: ServiceRuntime): Promise<DunningWorker> {
  const started = create(rt);
  workers.set(rt, started);
  return started;
}

async function create(rt: ServiceRuntime): Promise<DunningWorker> {
  const cfg = rt.config as unknown as CollectionsConfig;
  const ds = rt.ds;
  const boss = new PgBoss({
    connectionString: cfg.DATABASE_URL,
    schema: 'pgboss',
    migrate: false,
    max: 3,
    application_name: 'collections-dunning',
  } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => rt.log.error({ err }, 'pg-boss error'));
  const { notifier, smsStatusCallback, close } = createNotifierFromConfig(cfg, {
    templates: new DunningTemplateSource(ds),
    store: new PgDeliveryStore(ds),
    metrics: createDeliveryMetrics(rt.metrics.registry, 'reminder_deliveries_total'),
    onOutcome: (e) => {
      // A bulk-ops reminder reports a bounce back to bulk-ops (its send and a failure to send were
      // answered in the command's result already); a dunning reminder moves its event.
      const { bulkJobId, bulkJobItemId } = e.record.correlation ?? {};
      if (bulkJobId && bulkJobItemId) return e.outcome === 'bounced' ? reportBulkReminderFailure(ds, rt.registry, e.record, e.outcome, bulkJobId, bulkJobItemId) : undefined;
      return linkOutcome(ds, e);
    },
  });
  const enabled = (tenantId: string) => rt.flags.isOn('ENABLE_COLLECTIONS_OS', tenantId);
  const retry = {
    retryLimit: cfg.DUNNING_DELIVERY_ATTEMPTS - 1,
    retryDelay: cfg.DUNNING_RETRY_DELAY_SECONDS,
    retryBackoff: true,
  };

  const worker: DunningWorker = {
    boss,
    notifier,
    smsStatusCallback,
    async enqueueRun(tenantId, runId, m) {
      const traceId = requestScope.getStore()?.traceId ?? newTraceId();
      await boss.send(
        DUNNING_QUEUES.run,
        { tenantId, runId, traceId },
        {
          singletonKey: runId,
          retryLimit: 5,
          retryDelay: 2,
          retryBackoff: true,
          ...(m ? { db: inTransaction(m) } : {}),
        },
      );
    },
    async executeRun(tenantId, runId) {
      const pending = await withTenant(ds, tenantId, async (m) => {
        await markRunRunning(m, tenantId, runId);
        return eventsOfRun(m, tenantId, runId, 'pending');
      });
      const traceId = requestScope.getStore()?.traceId;
      for (const e of pending) await boss.send(DUNNING_QUEUES.delivery, { tenantId, eventId: e.id, runId, traceId }, { ...retry, singletonKey: e.id });
      await withTenant(ds, tenantId, (m) => completeRunIfDone(m, tenantId, runId));
    },
    deliver: (tenantId, eventId, lastAttempt) => deliver(ds, notifier, tenantId, eventId, lastAttempt),
    tick(now = new Date()) {
      // Called by the cron job or by hand: its audit rows carry a trace id either way.
      return requestScope.getStore()?.traceId ? tickNow(now) : requestScope.run({ traceId: newTraceId() }, () => tickNow(now));
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await close();
    },
  };

  async function tickNow(now: Date): Promise<string[]> {
    const started: string[] = [];
    const schedules: {
      tenantId: string;
      timeZone: string;
      localHour: number;
      enabled: boolean;
    }[] = await ds.transaction(async (m) => {
      await m.query(`SELECT set_config('app.dunning_scheduler', 'on', true)`);
      return m.query(`SELECT tenant_id AS "tenantId", time_zone AS "timeZone", local_hour AS "localHour", enabled FROM dunning_schedules ORDER BY tenant_id`);
    });
    for (const s of schedules) {
      const due = scheduledRunDue(now, s);
      if (!due || !(await enabled(s.tenantId))) continue;
      const run = await withTenant(ds, s.tenantId, async (m) => {
        const r = await planRun(m, s.tenantId, {
          asOf: due.asOf,
          dryRun: false,
          trigger: 'scheduled',
          scheduleKey: due.scheduleKey,
          actor: 'collections.dunning-schedule',
        });
        if (r.status !== 'completed') await worker.enqueueRun(s.tenantId, r.id, m);
        return r;
      });
      started.push(run.id);
    }
    // Runs whose delivery jobs were never queued (a crash between commit and enqueue) are queued again.
    const open: { tenantId: string; id: string }[] = await ds.transaction(async (m) => {
      await m.query(`SELECT set_config('app.dunning_scheduler', 'on', true)`);
      return m.query(`SELECT tenant_id AS "tenantId", id FROM dunning_runs WHERE NOT dry_run AND status <> 'completed' ORDER BY created_at`);
    });
    for (const r of open) if (await enabled(r.tenantId)) await worker.enqueueRun(r.tenantId, r.id);
    return started;
  }

  await boss.start();
  if (cfg.DUNNING_WORKER) {
    const work = {
      batchSize: 1,
      pollingIntervalSeconds: cfg.DUNNING_POLL_SECONDS,
      includeMetadata: true,
    } as const;
    await boss.work<{ tenantId: string; runId: string; traceId?: string }>(DUNNING_QUEUES.run, work, async ([job]) => {
      if (job && (await enabled(job.data.tenantId))) await inJobScope(job.data, job.id, () => worker.executeRun(job.data.tenantId, job.data.runId));
    });
    await boss.work<{
      tenantId: string;
      eventId: string;
      runId: string;
      traceId?: string;
    }>(DUNNING_QUEUES.delivery, work, async ([job]) => {
      if (!job || !(await enabled(job.data.tenantId))) return;
      const meta = job as unknown as { retryCount: number; retryLimit: number };
      await inJobScope(job.data, job.id, async () => {
        const outcome = await worker.deliver(job.data.tenantId, job.data.eventId, meta.retryCount >= meta.retryLimit);
        if (outcome === 'retry') throw new Error('delivery deferred by the channel; pg-boss retries with backoff');
        await withTenant(ds, job.data.tenantId, (m) => completeRunIfDone(m, job.data.tenantId, job.data.runId));
      });
    });
    // A delivery job that failed for another reason (a crash on its last try) lands here.
    await boss.work<{
      tenantId: string;
      eventId: string;
      runId: string;
      traceId?: string;
    }>(DUNNING_QUEUES.dead, work, async ([job]) => {
      if (!job) return;
      await inJobScope(job.data, job.id, async () => {
        await deadLetter(ds, job.data.tenantId, job.data.eventId, 'delivery job dead-lettered');
        await withTenant(ds, job.data.tenantId, (m) => completeRunIfDone(m, job.data.tenantId, job.data.runId));
      });
    });
    await boss.work(DUNNING_QUEUES.tick, work, async () => void (await worker.tick()));
    if (cfg.DUNNING_SCHEDULE_CRON) await boss.schedule(DUNNING_QUEUES.tick, cfg.DUNNING_SCHEDULE_CRON, {}, { tz: 'UTC' });
  }
  return worker;
}

/** The message of a reminder: the first owner who can be reached on its channel, with consent. */
async function messageOf(ds: DataSource, tenantId: string, e: EventRow): Promise<NotificationMessage | string> {
  const where = await withTenant(ds, tenantId, (m) => recipientsOf(m, tenantId, e.apartmentId));
  if (!where) return 'apartment not found';
  const owner = where.parties[0];
  const data = {
    owner: owner?.name ?? 'owner',
    unit: where.unit,
    building: where.building.name,
    paymentReference: where.paymentReference,
    overdue: e.overdueMinor,
    currency: e.currency,
    daysPastDue: e.daysPastDue,
    asOf: e.createdAt.toISOString().slice(0, 10),
    attempt: e.attempt,
  };
  const base = {
    tenantId,
    idempotencyKey: e.reminderKey,
    template: { name: e.template! },
    data,
    correlation: { dunningEventId: e.id },
  };
  if (e.channel === 'email') {
    const p = where.parties.find((x) => x.email && x.consentEmail);
    return p
      ? {
          ...base,
          channel: 'email',
          to: { address: p.email!, ...(p.name ? { name: p.name } : {}) },
        }
      : 'no owner with an email address and email consent';
  }
  if (e.channel === 'sms') {
    const p = where.parties.find((x) => x.phone && x.consentSms);
    return p ? { ...base, channel: 'sms', to: { phone: p.phone! } } : 'no owner with a phone number and SMS consent';
  }
  // Letters go to the owner's postal address, else to the apartment.
  const p = where.parties.find((x) => x.name);
  const lines = p?.postalAddress
    ? p.postalAddress
        .split(/\n|;/)
        .map((l) => l.trim())
        .filter(Boolean)
    : [`Unit ${where.unit}, ${where.building.line1}`, ...(where.building.line2 ? [where.building.line2] : []), where.building.city, where.building.postcode];
  return {
    ...base,
    channel: 'letter',
    to: { name: p?.name ?? `The owner of unit ${where.unit}`, lines },
    sender: {
      name: where.building.name,
      lines: [where.building.line1, where.building.city, where.building.postcode],
    },
  };
}

async function deliver(ds: DataSource, notifier: Notifier, tenantId: string, eventId: string, lastAttempt: boolean): Promise<'done' | 'retry'> {
  const e = await withTenant(ds, tenantId, (m) => findEvent(m, tenantId, eventId));
  if (!e || e.kind !== 'reminder' || e.status !== 'pending') return 'done';
  const message = await messageOf(ds, tenantId, e);
  if (typeof message === 'string') {
    await withTenant(ds, tenantId, async (m) => {
      await updateEvent(m, tenantId, e.id, {
        status: 'failed',
        lastError: message,
      });
      if (await logEvent(m, tenantId, e, 'failed', 0, message))
        await writeAudit(m, {
          tenantId,
          actor: ACTOR,
          action: 'dunning-reminder.failed',
          entityType: 'dunning-event',
          entityId: e.id,
          after: { reason: message },
        });
    });
    return 'done';
  }
  const record = await notifier.send(message);
  // A key already sent (a run resumed after a crash between send and record) is not sent again,
  // and the notifier owes no new outcome for it: link what the record says.
  if (record.status !== 'deferred') {
    if (record.status !== 'pending') await linkOutcome(ds, { outcome: record.status, record });
    return 'done';
  }
  await withTenant(ds, tenantId, async (m) => {
    await updateEvent(m, tenantId, e.id, {
      status: 'pending',
      attempts: record.attempts,
      lastError: record.lastError?.message ?? 'deferred',
    });
    await logEvent(m, tenantId, e, 'deferred', record.attempts, record.lastError?.message ?? null);
  });
  if (!lastAttempt) return 'retry';
  await deadLetter(ds, tenantId, e.id, `gave up after ${record.attempts} attempts: ${record.lastError?.message ?? 'deferred'}`);
  return 'done';
}

async function deadLetter(ds: DataSource, tenantId: string, eventId: string, reason: string): Promise<void> {
  await withTenant(ds, tenantId, async (m) => {
    const e = await findEvent(m, tenantId, eventId, { lock: true });
    if (!e || e.status !== 'pending') return;
    await updateEvent(m, tenantId, e.id, {
      status: 'dead_lettered',
      lastError: reason,
    });
    await logEvent(m, tenantId, e, 'dead_lettered', e.attempts, reason);
    await writeAudit(m, {
      tenantId,
      actor: ACTOR,
      action: 'dunning-reminder.dead_lettered',
      entityType: 'dunning-event',
      entityId: e.id,
      before: { status: e.status },
      after: { status: 'dead_lettered', attempts: e.attempts, reason },
    });
  });
}

/** Links a delivery outcome back to its reminder (idempotent by reminder, outcome and attempt). */
async function linkOutcome(ds: DataSource, { outcome, record }: DeliveryOutcomeEvent): Promise<void> {
  const eventId = record.correlation?.dunningEventId;
  if (!eventId) return;
  await withTenant(ds, record.tenantId, async (m) => {
    const e = await findEvent(m, record.tenantId, eventId, { lock: true });
    if (!e) return;
    const status = advanceReminder(e.status, outcome as ReminderStatus);
    await updateEvent(m, record.tenantId, e.id, {
      status,
      attempts: record.attempts,
      recipient: record.recipient,
      lastError: record.lastError?.message ?? null,
    });
    const detail = record.lastError ? `${record.lastError.code}: ${record.lastError.message}` : (record.providerStatus ?? record.provider ?? null);
    if (await logEvent(m, record.tenantId, e, outcome, record.attempts, detail)) {
      await writeAudit(m, {
        tenantId: record.tenantId,
        actor: ACTOR,
        action: `dunning-reminder.${outcome}`,
        entityType: 'dunning-event',
        entityId: e.id,
        before: { status: e.status },
        after: {
          status,
          attempts: record.attempts,
          channel: record.channel,
          provider: record.provider ?? null,
        },
      });
    }
  });
}

/**
 * A bulk reminder (sent for a bulk-ops reminder command) that bounced after it was sent (a DSN, or
 * the SMS provider reporting it undelivered): bulk-ops hears it by event (keyed by the job, after the job's answers) and turns
 * the item failed; collections audits it. Told again (the notifier reports an outcome at least once),
 * it publishes again, which bulk-ops applies once (only a succeeded item with this delivery key fails).
 */
async function reportBulkReminderFailure(ds: DataSource, registry: EventRegistry, record: DeliveryOutcomeEvent['record'], outcome: 'bounced' | 'failed', jobId: string, itemId: string): Promise<void> {
  const reason = record.lastError ? `${record.lastError.code}: ${record.lastError.message}`.slice(0, 1000) : (record.providerStatus ?? null);
  await withTenant(ds, record.tenantId, async (m) => {
    await publishEvents(m, registry, record.tenantId, [
      newEvent('commonhold.collections.reminder-delivery.failed.v1', itemId, { jobId, itemId, deliveryKey: record.idempotencyKey, channel: record.channel, outcome, reason }, jobId),
    ]);
    await writeAudit(m, {
      tenantId: record.tenantId,
      actor: ACTOR,
      action: `bulk-reminder.${outcome}`,
      entityType: 'notification-delivery',
      entityId: record.idempotencyKey,
      after: { jobId, itemId, channel: record.channel, outcome, reason },
    });
  });
}
