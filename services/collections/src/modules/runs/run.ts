import { badInput } from '@commonhold/kit/domain';
import { overdueBucket, type Decision, type StepChannel } from '../dunning';

/**
 * Dunning runs (pure). A run looks at every apartment in arrears on its date and records, per
 * apartment, what the policy in force decides: a reminder (one per run/apartment/channel/step) or
 * an escalation. The reminder key is what the database holds unique, so a run re-run, resumed or
 * raced by another never records (nor sends) one reminder twice.
 */

/** `<runId>/<apartmentId>/<channel>/<stepKey>`: the reminder's identity and its delivery's idempotency key. */
export function reminderKey(runId: string, apartmentId: string, channel: StepChannel | 'escalation', stepKey: string): string {
  return [runId, apartmentId, channel, stepKey].join('/');
}

export interface PlannedEvent {
  kind: 'reminder' | 'escalation';
  channel: StepChannel | null;
  stepKey: string;
  attempt: number | null;
  escalation: 'manager_task' | 'legal' | null;
  template: string | null;
}

/** What a decision records in a run (null: nothing to record, it is only shown in the preview). */
export function plannedEvent(d: Decision): PlannedEvent | null {
  if (d.action === 'send')
    return {
      kind: 'reminder',
      channel: d.channel,
      stepKey: d.stepKey,
      attempt: d.attempt,
      escalation: null,
      template: d.template,
    };
  if (d.action === 'escalate')
    return {
      kind: 'escalation',
      channel: null,
      stepKey: d.stepKey,
      attempt: null,
      escalation: d.escalation,
      template: null,
    };
  return null;
}

/** The bucket label a run records (the oldest unpaid debt's). */
export const bucketOf = (daysPastDue: number) => overdueBucket(daysPastDue) ?? 'notDue';

/** The calendar date and hour at `now` in an IANA time zone. */
export function localTime(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
  };
}

/**
 * Whether a tenant's daily run is due at `now`: from its local hour on, once per local day (the
 * schedule key `scheduled:<local date>` is unique per tenant, so a late or repeated tick is harmless).
 */
export function scheduledRunDue(now: Date, schedule: { timeZone: string; localHour: number; enabled: boolean }): { asOf: string; scheduleKey: string } | null {
  if (!schedule.enabled) return null;
  const { date, hour } = localTime(now, schedule.timeZone);
  return hour >= schedule.localHour ? { asOf: date, scheduleKey: `scheduled:${date}` } : null;
}

export function validTimeZone(field: string, v: unknown): string {
  if (typeof v !== 'string') throw badInput(field, 'timeZone must be an IANA time zone such as Europe/London');
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: v });
  } catch {
    throw badInput(field, 'timeZone must be an IANA time zone such as Europe/London');
  }
  return v;
}

/** Delivery statuses the notifier reports, mapped to a reminder's status. */
export const REMINDER_STATUSES = ['previewed', 'pending', 'sent', 'delivered', 'bounced', 'failed', 'dead_lettered', 'escalated'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** Outcomes only move a reminder forward (a late `sent` after `delivered` changes nothing). */
export function advanceReminder(current: ReminderStatus, outcome: ReminderStatus): ReminderStatus {
  const rank: Record<ReminderStatus, number> = {
    previewed: 0,
    pending: 1,
    sent: 2,
    delivered: 3,
    bounced: 3,
    failed: 3,
    dead_lettered: 3,
    escalated: 3,
  };
  return rank[outcome] > rank[current] ? outcome : current;
}
