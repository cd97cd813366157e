import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';
import type { ReminderStatus } from './run';

/** Runs, their events (reminders, escalations) and each event's timeline; RLS fences tenant and scope. */

export interface RunRow {
  id: string;
  asOf: string;
  dryRun: boolean;
  trigger: 'manual' | 'scheduled' | 'promise_broken';
  status: 'planned' | 'running' | 'completed';
  reminders: number;
  escalations: number;
  startedBy: string;
  createdAt: Date;
  completedAt: Date | null;
}

export interface EventRow {
  id: string;
  runId: string;
  buildingId: string;
  apartmentId: string;
  dryRun: boolean;
  kind: 'reminder' | 'escalation';
  channel: 'email' | 'sms' | 'letter' | null;
  stepKey: string;
  bucket: string;
  policyId: string;
  policyVersion: number;
  attempt: number | null;
  escalation: 'manager_task' | 'legal' | null;
  template: string | null;
  overdueMinor: number;
  currency: string;
  daysPastDue: number;
  reminderKey: string;
  status: ReminderStatus;
  attempts: number;
  recipient: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const RUN = `id, to_char(as_of, 'YYYY-MM-DD') AS "asOf", dry_run AS "dryRun", trigger, status, reminders, escalations, started_by AS "startedBy", created_at AS "createdAt", completed_at AS "completedAt"`;
const EVENT = `id, run_id AS "runId", building_id AS "buildingId", apartment_id AS "apartmentId", dry_run AS "dryRun", kind, channel, step_key AS "stepKey", bucket,
  policy_id AS "policyId", policy_version AS "policyVersion", attempt, escalation, template, overdue_minor::float8 AS "overdueMinor", currency, days_past_due AS "daysPastDue",
  reminder_key AS "reminderKey", status, attempts, recipient, last_error AS "lastError", created_at AS "createdAt", updated_at AS "updatedAt"`;
/** EVENT with every column of `dunning_events e`. */
const EVENT_E = EVENT.split(',')
  .map((c) => `e.${c.trim()}`)
  .join(', ');

export async function insertRun(
  m: EntityManager,
  tenantId: string,
  r: {
    id: string;
    asOf: string;
    dryRun: boolean;
    trigger: RunRow['trigger'];
    scheduleKey: string | null;
    startedBy: string;
  },
): Promise<RunRow | null> {
  const rows = await m.query(
    `INSERT INTO dunning_runs (id, tenant_id, as_of, dry_run, trigger, schedule_key, status, started_by) VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7)
     ON CONFLICT (tenant_id, schedule_key) WHERE schedule_key IS NOT NULL DO NOTHING RETURNING ${RUN}`,
    [r.id, tenantId, r.asOf, r.dryRun, r.trigger, r.scheduleKey, r.startedBy],
  );
  return rows[0] ?? null;
}

export async function runByScheduleKey(m: EntityManager, tenantId: string, scheduleKey: string): Promise<RunRow | null> {
  return (await m.query(`SELECT ${RUN} FROM dunning_runs WHERE tenant_id = $1 AND schedule_key = $2`, [tenantId, scheduleKey]))[0] ?? null;
}

export async function findRun(m: EntityManager, tenantId: string, id: string): Promise<RunRow | null> {
  return (await m.query(`SELECT ${RUN} FROM dunning_runs WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0] ?? null;
}

export async function setRunCounts(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(
    `UPDATE dunning_runs r SET reminders = (SELECT count(*) FROM dunning_events e WHERE e.tenant_id = r.tenant_id AND e.run_id = r.id AND e.kind = 'reminder'),
       escalations = (SELECT count(*) FROM dunning_events e WHERE e.tenant_id = r.tenant_id AND e.run_id = r.id AND e.kind = 'escalation'),
       status = CASE WHEN r.dry_run THEN 'completed' ELSE r.status END, completed_at = CASE WHEN r.dry_run THEN now() ELSE r.completed_at END
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
}

/** Marks the run completed once none of its reminders waits for a delivery attempt. */
export async function completeRunIfDone(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
  const rows = await m.query(
    `WITH u AS (UPDATE dunning_runs r SET status = 'completed', completed_at = now() WHERE tenant_id = $1 AND id = $2 AND status <> 'completed'
       AND NOT EXISTS (SELECT 1 FROM dunning_events e WHERE e.tenant_id = r.tenant_id AND e.run_id = r.id AND e.status = 'pending') RETURNING id) SELECT id FROM u`,
    [tenantId, id],
  );
  return rows.length > 0;
}

export async function markRunRunning(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(`UPDATE dunning_runs SET status = 'running' WHERE tenant_id = $1 AND id = $2 AND status = 'planned'`, [tenantId, id]);
}

export function pageRuns(m: EntityManager, tenantId: string, args: PageArgs) {
  return keysetPage<RunRow>(
    args,
    {
      shape: CREATED_AT_ID,
      cursorOf: (r) => [cursorInstant(r.createdAt), r.id],
    },
    ({ after, take }) =>
      m.query(
        `SELECT ${RUN} FROM dunning_runs WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid)) ORDER BY created_at DESC, id DESC LIMIT $4`,
        [tenantId, after?.[0] ?? null, after?.[1] ?? null, take],
      ),
  );
}

/** Inserts a planned event; null when its key (or its attempt, or its escalation) is already recorded. */
export async function insertEvent(
  m: EntityManager,
  tenantId: string,
  e: NewEvent,
): Promise<EventRow | null> {
  const rows = await m.query(
    `INSERT INTO dunning_events (id, tenant_id, run_id, building_id, apartment_id, dry_run, kind, channel, step_key, bucket, policy_id, policy_version, attempt, escalation, template,
       overdue_minor, currency, days_past_due, reminder_key, status, episode_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) ON CONFLICT DO NOTHING RETURNING ${EVENT}`,
    [
      e.id,
      tenantId,
      e.runId,
      e.buildingId,
      e.apartmentId,
      e.dryRun,
      e.kind,
      e.channel,
      e.stepKey,
      e.bucket,
      e.policyId,
      e.policyVersion,
      e.attempt,
      e.escalation,
      e.template,
      e.overdueMinor,
      e.currency,
      e.daysPastDue,
      e.reminderKey,
      e.status,
      e.episodeOn,
    ],
  );
  return rows[0] ?? null;
}

export async function findEvent(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<EventRow | null> {
  return (await m.query(`SELECT ${EVENT} FROM dunning_events WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]))[0] ?? null;
}

export function eventsOfRun(m: EntityManager, tenantId: string, runId: string, status?: ReminderStatus): Promise<EventRow[]> {
  return m.query(`SELECT ${EVENT} FROM dunning_events WHERE tenant_id = $1 AND run_id = $2 AND ($3::text IS NULL OR status = $3) ORDER BY apartment_id, created_at, id`, [
    tenantId,
    runId,
    status ?? null,
  ]);
}

export function pageEventsOfRun(m: EntityManager, tenantId: string, runId: string, args: PageArgs & { status?: string | null }) {
  return keysetPage<EventRow>(args, { shape: ['uuid'], cursorOf: (r) => [r.id] }, ({ after, take }) =>
    m.query(
      `SELECT ${EVENT} FROM dunning_events WHERE tenant_id = $1 AND run_id = $2 AND ($3::uuid IS NULL OR id > $3) AND ($4::text IS NULL OR status = $4) ORDER BY id LIMIT $5`,
      [tenantId, runId, after?.[0] ?? null, args.status ?? null, take],
    ),
  );
}

export type NewEvent = Omit<EventRow, 'status' | 'attempts' | 'recipient' | 'lastError' | 'createdAt' | 'updatedAt'> & { status: ReminderStatus; episodeOn: string | null };

/**
 * Inserts a run's planned events in one statement; returns the ids recorded (an event whose key, or
 * attempt, or escalation in its episode, is already recorded is skipped, as `insertEvent` does).
 */
export async function insertEvents(m: EntityManager, tenantId: string, events: readonly NewEvent[]): Promise<Set<string>> {
  if (!events.length) return new Set();
  const rows: { id: string }[] = await m.query(
    `INSERT INTO dunning_events (id, tenant_id, run_id, building_id, apartment_id, dry_run, kind, channel, step_key, bucket, policy_id, policy_version, attempt, escalation, template,
       overdue_minor, currency, days_past_due, reminder_key, status, episode_on)
     SELECT x.id, $1, x."runId", x."buildingId", x."apartmentId", x."dryRun", x.kind, x.channel, x."stepKey", x.bucket, x."policyId", x."policyVersion", x.attempt, x.escalation,
            x.template, x."overdueMinor", x.currency, x."daysPastDue", x."reminderKey", x.status, x."episodeOn"
     FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, "runId" uuid, "buildingId" uuid, "apartmentId" uuid, "dryRun" boolean, kind text, channel text, "stepKey" text, bucket text,
       "policyId" uuid, "policyVersion" int, attempt int, escalation text, template text, "overdueMinor" bigint, currency text, "daysPastDue" int, "reminderKey" text, status text, "episodeOn" date)
     ON CONFLICT DO NOTHING RETURNING id`,
    [tenantId, JSON.stringify(events)],
  );
  return new Set(rows.map((r) => r.id));
}

/** The real attempts and escalations of many apartments (a run's batch), per apartment, oldest first. */
export async function historiesOf(m: EntityManager, tenantId: string, apartmentIds: readonly string[]): Promise<Map<string, { stepKey: string; action: 'sent' | 'escalated'; on: string }[]>> {
  const rows: { apartmentId: string; stepKey: string; action: 'sent' | 'escalated'; on: string }[] = await m.query(
    `SELECT e.apartment_id AS "apartmentId", e.step_key AS "stepKey", CASE WHEN e.kind = 'reminder' THEN 'sent' ELSE 'escalated' END AS action, to_char(r.as_of, 'YYYY-MM-DD') AS on
     FROM dunning_events e JOIN dunning_runs r ON r.id = e.run_id WHERE e.tenant_id = $1 AND e.apartment_id = ANY($2::uuid[]) AND NOT e.dry_run ORDER BY r.as_of, e.created_at`,
    [tenantId, apartmentIds],
  );
  const out = new Map<string, { stepKey: string; action: 'sent' | 'escalated'; on: string }[]>();
  for (const { apartmentId, ...h } of rows) out.set(apartmentId, [...(out.get(apartmentId) ?? []), h]);
  return out;
}

/** The real reminders of many apartments, each with its run's date, newest first (the queue's reminder and retry counts). */
export function remindersOf(m: EntityManager, tenantId: string, apartmentIds: readonly string[]): Promise<(EventRow & { runAsOf: string })[]> {
  return m.query(
    `SELECT ${EVENT_E}, to_char(r.as_of, 'YYYY-MM-DD') AS "runAsOf" FROM dunning_events e JOIN dunning_runs r ON r.id = e.run_id
     WHERE e.tenant_id = $1 AND e.apartment_id = ANY($2::uuid[]) AND e.kind = 'reminder' AND NOT e.dry_run ORDER BY r.as_of DESC, e.created_at DESC`,
    [tenantId, apartmentIds],
  );
}

/** Every real (not dry-run) attempt and escalation of the apartment: the policy's history. */
export async function historyOf(m: EntityManager, tenantId: string, apartmentId: string): Promise<{ stepKey: string; action: 'sent' | 'escalated'; on: string }[]> {
  return m.query(
    `SELECT e.step_key AS "stepKey", CASE WHEN e.kind = 'reminder' THEN 'sent' ELSE 'escalated' END AS action, to_char(r.as_of, 'YYYY-MM-DD') AS on
     FROM dunning_events e JOIN dunning_runs r ON r.id = e.run_id WHERE e.tenant_id = $1 AND e.apartment_id = $2 AND NOT e.dry_run ORDER BY r.as_of, e.created_at`,
    [tenantId, apartmentId],
  );
}

export async function updateEvent(
  m: EntityManager,
  tenantId: string,
  id: string,
  change: {
    status: ReminderStatus;
    attempts?: number;
    recipient?: string | null;
    lastError?: string | null;
  },
): Promise<void> {
  await m.query(
    `UPDATE dunning_events SET status = $3, attempts = COALESCE($4, attempts), recipient = COALESCE($5, recipient), last_error = CASE WHEN $7 THEN $6 ELSE last_error END, updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, change.status, change.attempts ?? null, change.recipient ?? null, change.lastError ?? null, change.lastError !== undefined],
  );
}

/** One line of an event's timeline; once per (event, status, attempt). */
export async function logEvent(
  m: EntityManager,
  tenantId: string,
  e: Pick<EventRow, 'id' | 'buildingId' | 'apartmentId'>,
  status: string,
  attempt: number,
  detail: string | null,
): Promise<boolean> {
  const rows = await m.query(
    `INSERT INTO dunning_event_log (tenant_id, event_id, building_id, apartment_id, status, detail, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
    [tenantId, e.id, e.buildingId, e.apartmentId, status, detail, attempt],
  );
  return rows.length > 0;
}

export interface LogRow {
  eventId: string;
  status: string;
  detail: string | null;
  attempt: number;
  at: Date;
}

export function logsOf(m: EntityManager, tenantId: string, eventIds: readonly string[]): Promise<LogRow[]> {
  return m.query(`SELECT event_id AS "eventId", status, detail, attempt, at FROM dunning_event_log WHERE tenant_id = $1 AND event_id = ANY($2::uuid[]) ORDER BY at, id`, [
    tenantId,
    eventIds,
  ]);
}

/** Apartments in the tenant's open (not completed) real runs, for the re-drive sweep. */
export async function unfinishedRuns(m: EntityManager, tenantId: string): Promise<string[]> {
  return (await m.query(`SELECT id FROM dunning_runs WHERE tenant_id = $1 AND NOT dry_run AND status <> 'completed' ORDER BY created_at`, [tenantId])).map(
    (r: { id: string }) => r.id,
  );
}

export interface Recipient {
  name: string | null;
  email: string | null;
  phone: string | null;
  postalAddress: string | null;
  consentEmail: boolean;
  consentSms: boolean;
}

/** The apartment's owners (erased ones left out), oldest first, and where the apartment is. */
export async function recipientsOf(
  m: EntityManager,
  tenantId: string,
  apartmentId: string,
): Promise<{
  parties: Recipient[];
  unit: string;
  paymentReference: string;
  building: {
    name: string;
    line1: string;
    line2: string | null;
    city: string;
    postcode: string;
  };
} | null> {
  const [a] = await m.query(
    `SELECT a.unit, a.payment_reference AS "paymentReference", b.name, b.address_line1 AS line1, b.address_line2 AS line2, b.city, b.postcode FROM apartments a JOIN buildings b ON b.id = a.building_id WHERE a.tenant_id = $1 AND a.id = $2`,
    [tenantId, apartmentId],
  );
  if (!a) return null;
  const parties = await m.query(
    `SELECT name, email, phone, postal_address AS "postalAddress", consent_email AS "consentEmail", consent_sms AS "consentSms"
     FROM apartment_parties WHERE tenant_id = $1 AND apartment_id = $2 AND role = 'owner' AND erased_at IS NULL ORDER BY created_at, id`,
    [tenantId, apartmentId],
  );
  return {
    parties,
    unit: a.unit,
    paymentReference: a.paymentReference,
    building: {
      name: a.name,
      line1: a.line1,
      line2: a.line2,
      city: a.city,
      postcode: a.postcode,
    },
  };
}
