import { AppError, badInput, isUuid, oneOf, parseMoney, requiredText } from '@commonhold/kit/domain';
import { SPLIT_METHODS, type CommonExpenseParams } from './preview';

/** Pure rules of bulk jobs: their states, their parameters, and how a finished job is judged. */

export const JOB_STATES = ['draft', 'dry_run_ready', 'queued', 'in_progress', 'completed', 'completed_with_errors', 'failed', 'cancelled', 'expired'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const ACTIONS = ['common_expense_issue', 'reminder'] as const;
export type Action = (typeof ACTIONS)[number];

/** How long a dry run stays executable. */
export const PREVIEW_TTL_SECONDS = 15 * 60;
/** Items per command event sent to collections (charge-command.requested.v2 allows up to 2,000). */
export const CHUNK_SIZE = 2000;
/** Items per reminder command (reminder-command.requested.v1 allows up to 100: each one is a message collections sends). */
export const REMINDER_CHUNK_SIZE = 100;
/** Items a job may hold (one building's apartments; the bench goes to 10,000). */
export const MAX_ITEMS = 20_000;

export const EXECUTED: readonly string[] = ['queued', 'in_progress', 'completed', 'completed_with_errors', 'failed'];
export const FINISHED: readonly string[] = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

/** The state a client sees: a dry run past its expiry shows as expired (a new dry run refreshes it). */
export function visibleState(status: string, previewExpiresAt: Date | null, now = new Date()): JobState {
  if (status === 'dry_run_ready' && previewExpiresAt && previewExpiresAt.getTime() <= now.getTime()) return 'expired';
  return status as JobState;
}

/** A job's state once no item awaits an outcome. */
export function finalState(p: { succeeded: number; failed: number }): JobState {
  if (p.failed === 0) return 'completed';
  return p.succeeded === 0 ? 'failed' : 'completed_with_errors';
}

/** Which failures a retry may cure: the apartment or the ledger was momentarily unavailable or absent. */
export const RETRYABLE_CODES: readonly string[] = ['NOT_FOUND', 'CONFLICT', 'INTERNAL', 'SERVICE_UNAVAILABLE'];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates the common-expense parameters (`field` is the input path, e.g. `input.commonExpense`). */
export function parseCommonExpense(field: string, value: unknown): CommonExpenseParams {
  if (!value || typeof value !== 'object') throw badInput(field, `${field} is required for a common-expense issue`);
  const v = value as Record<string, unknown>;
  const amount = parseMoney(`${field}.amount`, v.amount);
  const method = oneOf(`${field}.method`, SPLIT_METHODS, typeof v.method === 'string' ? v.method.toLowerCase() : v.method);
  let customWeights: CommonExpenseParams['customWeights'] = null;
  if (method === 'custom') {
    if (!Array.isArray(v.customWeights) || !v.customWeights.length) throw badInput(`${field}.customWeights`, 'A custom split needs a table of weights');
    if (v.customWeights.length > MAX_ITEMS) throw badInput(`${field}.customWeights`, `At most ${MAX_ITEMS} weights`);
    const seen = new Set<string>();
    customWeights = v.customWeights.map((w: any, i: number) => {
      const f = `${field}.customWeights.${i}`;
      if (!isUuid(w?.apartmentId)) throw badInput(`${f}.apartmentId`, 'apartmentId must be an apartment id');
      if (seen.has(w.apartmentId)) throw badInput(`${f}.apartmentId`, 'Each apartment appears once in the table');
      seen.add(w.apartmentId);
      if (!Number.isInteger(w.weight) || w.weight < 0 || w.weight > 1_000_000) throw badInput(`${f}.weight`, 'weight must be an integer from 0 to 1,000,000');
      return { apartmentId: w.apartmentId as string, weight: w.weight as number };
    });
    if (!customWeights.some((w) => w.weight > 0)) throw badInput(`${field}.customWeights`, 'At least one weight must be above zero');
  } else if (v.customWeights != null) {
    throw badInput(`${field}.customWeights`, 'Weights are given only for a CUSTOM split');
  }
  let dueOn: string | null = null;
  if (v.dueOn != null) {
    if (typeof v.dueOn !== 'string' || !DATE.test(v.dueOn) || Number.isNaN(Date.parse(`${v.dueOn}T00:00:00Z`))) throw badInput(`${field}.dueOn`, 'dueOn must be a date YYYY-MM-DD');
    dueOn = v.dueOn;
  }
  const description = v.description == null ? null : requiredText(`${field}.description`, v.description, 500);
  return { amount, method, customWeights, dueOn, description };
}

/** The parameters of a REMINDER job: the template collections renders and the office's note. */
export interface ReminderParams {
  template: string;
  message: string | null;
}

/** The template collections ships for bulk reminders (a tenant may replace it). */
export const DEFAULT_REMINDER_TEMPLATE = 'bulk.reminder';
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Validates the reminder parameters (`field` is the input path, e.g. `input.reminder`); all optional. */
export function parseReminder(field: string, value: unknown): ReminderParams {
  if (value != null && typeof value !== 'object') throw badInput(field, `${field} must be an object`);
  const v = (value ?? {}) as Record<string, unknown>;
  let template = DEFAULT_REMINDER_TEMPLATE;
  if (v.template != null) {
    if (typeof v.template !== 'string' || !TEMPLATE_NAME.test(v.template)) throw badInput(`${field}.template`, 'template must be a template key such as bulk.reminder (lower case, digits, . _ -)');
    template = v.template;
  }
  const message = v.message == null ? null : requiredText(`${field}.message`, v.message, 1000);
  return { template, message };
}

/** A refusal a client can act on: CONFLICT with a machine-readable `reason`. */
export const refusal = (reason: 'STALE_PREVIEW' | 'PREVIEW_EXPIRED' | 'PREVIEW_REQUIRED' | 'VALIDATION_ERRORS' | 'INVALID_STATE' | 'NOTHING_TO_RETRY', message: string, details: Record<string, unknown> = {}) =>
  new AppError('CONFLICT', message, { field: 'input.id', details: { reason, ...details } });

/** A validation error blocks execution unless it says otherwise (a reminder's predicted contact problem does not). */
export const blocks = (e: { blocking?: boolean }) => e.blocking !== false;

/** Whether a stored preview may be executed: no blocking job-level error and no item with a blocking validation error. */
export function executableStored(job: { job_errors: { blocking?: boolean }[] }, items: { validation_errors: { blocking?: boolean }[] }[], itemCount = items.length): boolean {
  return !job.job_errors.some(blocks) && itemCount > 0 && items.every((i) => !i.validation_errors.some(blocks));
}
