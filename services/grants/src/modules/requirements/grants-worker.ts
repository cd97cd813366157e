import PgBoss from 'pg-boss';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { requestScope, withTenant, writeAudit, type ServiceRuntime } from '@commonhold/kit';
import { createDeliveryMetrics, createNotifierFromConfig, type NotificationTemplate, type Notifier, type TemplateSource } from '@commonhold/notifications';
import type { GrantsConfig } from '../../config';
import { GRANTS_QUEUES } from '../../migrations/1796500070100-grants';
import { createRenewalDraft, findRequest, renewalDue, toRequest } from '../requests';
import { reminderDue } from './requirement';
import { findRequirement, markReminded } from './requirement.store';
import { PgDeliveryStore } from '@commonhold/notifications/pg';

const ACTOR = 'grants.scheduler';
const newTraceId = () => randomBytes(16).toString('hex');

/** The reminder every tenant gets (English; `{{…}}` are handlebars variables). */
const REMINDER: Omit<NotificationTemplate, 'tenantId' | 'name'> = {
  locale: 'en',
  subject: 'Grant deliverable due {{dueDate}}: {{requirement}}',
  text: 'The {{type}} "{{requirement}}" for the grant "{{grant}}" is due on {{dueDate}}.',
};
const templates: TemplateSource = {
  async find(_tenantId, name, locale) {
    return locale.toLowerCase() === 'en' ? { ...REMINDER, tenantId: null, name } : undefined;
  },
};

/**
 * grants' scheduler: a pg-boss cron tick finds due deliverable reminders and grants due a renewal
 * nudge in every tenant; each reminder is its own job (retries with backoff, then a dead letter)
 * sent once through packages/notifications (idempotency key per requirement).
 */
export interface GrantsWorker {
  notifier: Notifier;
  /** Queues due reminders and creates due renewal drafts (what the cron job does; tests call it with a date). */
  tick(now?: Date): Promise<{ reminders: string[]; renewals: string[] }>;
  /** Sends one requirement's reminder once. */
  remind(tenantId: string, requirementId: string): Promise<void>;
  stop(): Promise<void>;
}

const workers = new WeakMap<ServiceRuntime, Promise<GrantsWorker>>();

export function grantsWorkerOf(rt: ServiceRuntime): Promise<GrantsWorker> {
  const w = workers.get(rt);
  if (!w) throw new Error('The grants worker is not running');
  return w;
}

export function startGrantsWorker(rt: ServiceRuntime): Promise<GrantsWorker> {
  const started = create(rt);
  workers.set(rt, started);
  return started;
}

/** Rows of every tenant: only the scheduler's transaction sets app.grants_scheduler. */
function acrossTenants<T>(ds: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  return ds.transaction(async (m) => {
    await m.query(`SELECT set_config('app.grants_scheduler', 'on', true)`);
    return m.query(sql, params);
  });
}

async function create(rt: ServiceRuntime): Promise<GrantsWorker> {
  const cfg = rt.config as unknown as GrantsConfig;
  const ds = rt.ds;
  const boss = new PgBoss({ connectionString: cfg.DATABASE_URL, schema: 'pgboss', migrate: false, max: 2, application_name: 'grants-scheduler' } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => rt.log.error({ err }, 'pg-boss error'));
  const { notifier, close } = createNotifierFromConfig(cfg, {
    templates,
    store: new PgDeliveryStore(ds),
    metrics: createDeliveryMetrics(rt.metrics.registry, 'grant_reminder_deliveries_total'),
  });
  const enabled = (tenantId: string) => rt.flags.isOn('ENABLE_GRANTS', tenantId);

  async function remind(tenantId: string, requirementId: string): Promise<void> {
    const r = await withTenant(ds, tenantId, async (m) => {
      const req = await findRequirement(m, tenantId, requirementId);
      return req && { req, grant: await findRequest(m, tenantId, req.requestId) };
    });
    if (!r || !r.grant || r.req.status !== 'OPEN' || !r.req.reminderEmail) return;
    const record = await notifier.send({
      tenantId,
      channel: 'email',
      idempotencyKey: `grant-requirement-reminder:${r.req.id}`,
      to: { address: r.req.reminderEmail },
      template: { name: 'grant-requirement-reminder' },
      data: { requirement: r.req.name, type: r.req.type.toLowerCase().replace(/_/g, ' '), grant: r.grant.name, dueDate: r.req.dueDate },
      correlation: { grantRequirementId: r.req.id },
    });
    if (record.status === 'deferred') throw new Error(`reminder deferred: ${record.lastError?.message ?? 'try later'}`);
    await withTenant(ds, tenantId, async (m) => {
      if (await markReminded(m, tenantId, r.req.id, new Date()))
        await writeAudit(m, { tenantId, actor: ACTOR, action: 'grant-requirement.reminded', entityType: 'GrantRequirement', entityId: r.req.id, after: { to: r.req.reminderEmail, status: record.status } });
    });
  }

  async function tickNow(now: Date) {
    const today = now.toISOString().slice(0, 10);
    const reminders: string[] = [];
    const renewals: string[] = [];
    const open = await acrossTenants<any>(
      ds,
      `SELECT id, tenant_id AS "tenantId", status, due_date::text AS "dueDate", remind_days_before AS "remindDaysBefore", reminder_email AS "reminderEmail", reminded_at AS "remindedAt"
         FROM grant_requirements WHERE status = 'OPEN' AND reminded_at IS NULL AND reminder_email IS NOT NULL ORDER BY due_date`,
      [],
    );
    for (const r of open) {
      if (!reminderDue(r, today) || !(await enabled(r.tenantId))) continue;
      const traceId = requestScope.getStore()?.traceId;
      await boss.send(
        GRANTS_QUEUES.reminder,
        { tenantId: r.tenantId, requirementId: r.id, traceId },
        { singletonKey: r.id, retryLimit: cfg.GRANTS_REMINDER_ATTEMPTS - 1, retryDelay: cfg.GRANTS_RETRY_DELAY_SECONDS, retryBackoff: true },
      );
      reminders.push(r.id);
    }
    const funded = await acrossTenants<any>(
      ds,
      `SELECT g.*, g.awarded_on::text AS awarded_on, g.start_date::text AS start_date, g.end_date::text AS end_date,
              EXISTS (SELECT 1 FROM grant_requests n WHERE n.tenant_id = g.tenant_id AND n.renewal_of_id = g.id) AS renewed
         FROM grant_requests g WHERE g.status IN ('AWARDED', 'FULLY_DISBURSED', 'CLOSED') AND g.end_date IS NOT NULL ORDER BY g.end_date`,
      [],
    );
    for (const row of funded) {
      const g = toRequest(row);
      if (!renewalDue({ status: g.status, endDate: g.endDate, renewed: row.renewed }, today, cfg.GRANTS_RENEWAL_LEAD_DAYS) || !(await enabled(g.tenantId))) continue;
      const draft = await withTenant(ds, g.tenantId, (m) => createRenewalDraft(m, g.tenantId, g, ACTOR, now));
      if (draft.created) renewals.push(draft.id);
    }
    return { reminders, renewals };
  }

  const worker: GrantsWorker = {
    notifier,
    tick: (now = new Date()) => (requestScope.getStore()?.traceId ? tickNow(now) : requestScope.run({ traceId: newTraceId() }, () => tickNow(now))),
    remind: (tenantId, requirementId) => remind(tenantId, requirementId),
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await close();
    },
  };

  await boss.start();
  if (cfg.GRANTS_WORKER) {
    const work = { batchSize: 1, pollingIntervalSeconds: cfg.GRANTS_POLL_SECONDS } as const;
    await boss.work<{ tenantId: string; requirementId: string; traceId?: string }>(GRANTS_QUEUES.reminder, work, async ([job]) => {
      if (!job || !(await enabled(job.data.tenantId))) return;
      await requestScope.run({ tenantId: job.data.tenantId, requestId: job.id, traceId: job.data.traceId ?? newTraceId() }, () => remind(job.data.tenantId, job.data.requirementId));
    });
    // A reminder still deferred after its retries: recorded (audited) and not queued again by later ticks.
    await boss.work<{ tenantId: string; requirementId: string; traceId?: string }>(GRANTS_QUEUES.dead, work, async ([job]) => {
      if (!job) return;
      const { tenantId, requirementId } = job.data;
      rt.log.error({ tenantId, requirementId }, 'grant reminder dead-lettered after its retries');
      await requestScope.run({ tenantId, requestId: job.id, traceId: job.data.traceId ?? newTraceId() }, () =>
        withTenant(ds, tenantId, async (m) => {
          if (await markReminded(m, tenantId, requirementId, new Date()))
            await writeAudit(m, { tenantId, actor: ACTOR, action: 'grant-requirement.reminder-dead-lettered', entityType: 'GrantRequirement', entityId: requirementId, after: { reason: 'delivery deferred past its retries' } });
        }),
      );
    });
    await boss.work(GRANTS_QUEUES.tick, work, async () => void (await worker.tick()));
    if (cfg.GRANTS_TICK_CRON) await boss.schedule(GRANTS_QUEUES.tick, cfg.GRANTS_TICK_CRON, {}, { tz: 'UTC' });
  }
  return worker;
}
