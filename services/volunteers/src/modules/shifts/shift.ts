import { RRule, rrulestr } from 'rrule';
import { badInput, requiredText } from '@commonhold/kit/domain';

/** Pure rules of volunteer jobs and shifts (V4S Job → Shift; Nonprofit Cloud shift capacity). */

export const MAX_SKILLS = 20;
/** A recurrence makes at most this many shifts at once (a year of weekly shifts, twice over). */
export const MAX_OCCURRENCES = 104;
export const MAX_CAPACITY = 10_000;

export interface JobFields {
  name: string;
  description: string | null;
  location: string | null;
  skills: string[];
}

const optionalText = (field: string, value: unknown, max: number): string | null => (value == null || value === '' ? null : requiredText(field, value, max));

/** A job: a name, an optional description and location, up to 20 distinct skills (trimmed, case kept). */
export function validateJob(input: Record<string, unknown>): JobFields {
  const name = requiredText('input.name', input.name, 200);
  const description = optionalText('input.description', input.description, 4000);
  const location = optionalText('input.location', input.location, 300);
  const raw = input.skills ?? [];
  if (!Array.isArray(raw) || raw.length > MAX_SKILLS) throw badInput('input.skills', `skills must be a list of at most ${MAX_SKILLS}`);
  const skills = [...new Set(raw.map((s, i) => requiredText(`input.skills.${i}`, s, 60)))];
  return { name, description, location, skills };
}

export interface ShiftPlan {
  startsAt: Date;
  durationMinutes: number;
  capacity: number;
  /** The RRULE the starts were expanded from (null: a single shift). */
  recurrence: string | null;
}

const instant = (field: string, value: unknown): Date => {
  const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw badInput(field, `${field.split('.').pop()} must be an ISO 8601 instant`);
  return d;
};

/**
 * The shifts to create: one at `startsAt`, or every occurrence of `recurrence` (an RFC 5545 RRULE,
 * e.g. `FREQ=WEEKLY;COUNT=6`, expanded in UTC from `startsAt` by the `rrule` library). A rule must be
 * bounded (COUNT or UNTIL) and yield 1–104 starts. Duration 15 minutes to 24 hours; capacity 1–10 000.
 */
export function planShifts(input: Record<string, unknown>): { starts: Date[]; durationMinutes: number; capacity: number; recurrence: string | null } {
  const startsAt = instant('input.startsAt', input.startsAt);
  const durationMinutes = input.durationMinutes;
  if (!Number.isInteger(durationMinutes) || (durationMinutes as number) < 15 || (durationMinutes as number) > 1440) {
    throw badInput('input.durationMinutes', 'durationMinutes must be a whole number from 15 to 1440');
  }
  const capacity = input.capacity;
  if (!Number.isInteger(capacity) || (capacity as number) < 1 || (capacity as number) > MAX_CAPACITY) throw badInput('input.capacity', `capacity must be from 1 to ${MAX_CAPACITY}`);
  const recurrence = input.recurrence == null || input.recurrence === '' ? null : requiredText('input.recurrence', input.recurrence, 500).replace(/^RRULE:/i, '');
  const starts = recurrence ? expandRecurrence(recurrence, startsAt) : [startsAt];
  return { starts, durationMinutes: durationMinutes as number, capacity: capacity as number, recurrence };
}

/** The starts of a bounded RRULE from `dtstart` (UTC), first included; refuses unbounded or oversized rules. */
export function expandRecurrence(rule: string, dtstart: Date): Date[] {
  let parsed: RRule;
  try {
    const r = rrulestr(`RRULE:${rule}`, { dtstart });
    if (!(r instanceof RRule)) throw new Error('a single RRULE is expected');
    parsed = r;
  } catch (err) {
    throw badInput('input.recurrence', `recurrence is not a valid RRULE: ${(err as Error).message}`);
  }
  const o = parsed.origOptions;
  if (o.count == null && o.until == null) throw badInput('input.recurrence', 'recurrence must end: give COUNT or UNTIL');
  if (o.count != null && o.count > MAX_OCCURRENCES) throw badInput('input.recurrence', `recurrence makes at most ${MAX_OCCURRENCES} shifts`);
  const starts = parsed.all((_, i) => i < MAX_OCCURRENCES + 1);
  if (starts.length > MAX_OCCURRENCES) throw badInput('input.recurrence', `recurrence makes at most ${MAX_OCCURRENCES} shifts`);
  if (!starts.length) throw badInput('input.recurrence', 'recurrence makes no shift');
  return starts;
}
