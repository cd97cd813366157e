import PgBoss from 'pg-boss';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { requestScope, withTenant, type ServiceRuntime } from '@commonhold/kit';
import { createDeliveryMetrics, createNotifierFromConfig, InMemoryTemplateSource, type Notifier } from '@commonhold/notifications';
import type { VolunteersConfig } from '../../config';
import { reachableEmail } from '../contacts';
import { PgDeliveryStore } from '@commonhold/notifications/pg';
import { DEFAULT_REMINDER_TEMPLATES, REMINDED_STATUSES, REMINDER_TEMPLATE, reminderKey, reminderWindow } from './reminder';
import { REMINDER_QUEUES } from './reminders.migration';
import { dueReminders, markReminded, reminderSubject } from './reminder.store';

/**
 * Shift reminders: a pg-boss cron job sweeps for shifts starting within REMINDER_LEAD_HOURS and
 * queues one delivery job per signup (retried with backoff, dead-lettered);
 * each delivery sends one email through packages/notifications (once per signup and start), only to
 * a contact with an email address and email consent. One per running service.
 */
export interface ReminderWorker {
  boss: PgBoss;
  notifier: Notifier;
  /** Queues the deliveries due at `now`; returns the signups queued. */
  sweep(now?: Date): Promise<string[]>;
  /** Sends one signup's reminder here and now (what the delivery job does). */
  deliver(tenantId: string, signupId: string): Promise<'done' | 'retry'>;
  stop(): Promise<void>;
}

const workers = new WeakMap<ServiceRuntime, Promise<ReminderWorker>>();

export function reminderWorkerOf(rt: ServiceRuntime): Promise<ReminderWorker> {
  const w = workers.get(rt);
  if (!w) throw new Error('The reminder worker is not running');
  return w;
}

export function startReminderWorker(rt: ServiceRuntime): Promise<ReminderWorker> {
  const started = create(rt);
  workers.set(rt, started);
  return started;
}

const newTraceId = () => randomBytes(16).toString('hex');

async function create(rt: ServiceRuntime): Promise<ReminderWorker> {
  const cfg = rt.config as unknown as VolunteersConfig;
  const ds = rt.ds;
  const boss = new PgBoss({ connectionString: cfg.DATABASE_URL, schema: 'pgboss', migrate: false, max: 2, application_name: 'volunteers-reminders' } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => rt.log.error({ err }, 'pg-boss error'));
  const { notifier, close } = createNotifierFromConfig(cfg, {
    templates: new InMemoryTemplateSource(DEFAULT_REMINDER_TEMPLATES),
    store: new PgDeliveryStore(ds),
    metrics: createDeliveryMetrics(rt.metrics.registry, 'volunteer_reminder_deliveries_total'),
    onOutcome: async ({ outcome, record }) => {
      const signupId = record.correlation?.signupId;
      if (signupId) await withTenant(ds, record.tenantId, (m) => markReminded(m, record.tenantId, signupId, outcome));
    },
  });
  const enabled = (tenantId: string) => rt.flags.isOn('ENABLE_VOLUNTEERS', tenantId);

  const worker: ReminderWorker = {
    boss,
    notifier,
    async sweep(now = new Date()) {
      const { from, to } = reminderWindow(now, cfg.REMINDER_LEAD_HOURS);
      const due = await dueReminders(ds, from, to);
      const queued: string[] = [];
      for (const d of due) {
        if (!(await enabled(d.tenantId))) continue;
        // Two sweeps may queue a signup twice; the delivery re-reads its status and the notifier's
        // idempotency key (signup and start) sends it once.
        const id = await boss.send(REMINDER_QUEUES.delivery, d, { retryLimit: 4, retryDelay: 30, retryBackoff: true });
        if (id) queued.push(d.signupId);
      }
      return queued;
    },
    deliver: (tenantId, signupId) => deliver(ds, notifier, tenantId, signupId),
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await close();
    },
  };

  await boss.start();
  if (cfg.REMINDER_WORKER) {
    const work = { batchSize: 1, pollingIntervalSeconds: 2, includeMetadata: true } as const;
    await boss.work<{ tenantId: string; signupId: string }>(REMINDER_QUEUES.delivery, work, async ([job]) => {
      if (!job || !(await enabled(job.data.tenantId))) return;
      await requestScope.run({ tenantId: job.data.tenantId, requestId: job.id, traceId: newTraceId() }, async () => {
        if ((await worker.deliver(job.data.tenantId, job.data.signupId)) === 'retry') throw new Error('reminder deferred by the channel; pg-boss retries with backoff');
      });
    });
    await boss.work<{ tenantId: string; signupId: string }>(REMINDER_QUEUES.dead, work, async ([job]) => {
      if (job) await withTenant(ds, job.data.tenantId, (m) => markReminded(m, job.data.tenantId, job.data.signupId, 'dead_lettered'));
    });
    await boss.work(REMINDER_QUEUES.sweep, work, async () => void (await worker.sweep()));
    if (cfg.REMINDER_SCHEDULE_CRON) await boss.schedule(REMINDER_QUEUES.sweep, cfg.REMINDER_SCHEDULE_CRON, {}, { tz: 'UTC' });
  }
  return worker;
}

async function deliver(ds: DataSource, notifier: Notifier, tenantId: string, signupId: string): Promise<'done' | 'retry'> {
  const planned = await withTenant(ds, tenantId, async (m) => {
    const s = await reminderSubject(m, tenantId, signupId);
    if (!s || s.reminderStatus || s.waitlisted || !(REMINDED_STATUSES as readonly string[]).includes(s.status)) return null;
    const to = await reachableEmail(m, tenantId, s.contactId);
    if (!to) {
      // Consent per channel: no email consent (or no address) means no email.
      await markReminded(m, tenantId, signupId, 'skipped');
      return null;
    }
    return { s, to };
  });
  if (!planned) return 'done';
  const { s, to } = planned;
  const record = await notifier.send({
    tenantId,
    idempotencyKey: reminderKey(signupId, new Date(s.startsAt)),
    channel: 'email',
    to: { address: to.email, ...(to.name ? { name: to.name } : {}) },
    template: { name: REMINDER_TEMPLATE },
    data: { name: to.name || 'volunteer', job: s.job, location: s.location, startsAt: new Date(s.startsAt).toISOString().slice(0, 16).replace('T', ' '), durationMinutes: s.durationMinutes },
    correlation: { signupId },
  });
  if (record.status === 'deferred') return 'retry';
  if (record.status !== 'pending') await withTenant(ds, tenantId, (m) => markReminded(m, tenantId, signupId, record.status));
  return 'done';
}
