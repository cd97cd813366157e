import { badInput } from '@commonhold/kit/domain';

/**
 * Dunning policies as data (pure). A policy lists steps per aging bucket and at most two late-fee
 * rules. A step's `key` is stable across versions, so a run can record one reminder per
 * run/apartment/channel/step and a later version of the policy still recognises past attempts.
 */

export const OVERDUE_BUCKETS = ['d0_30', 'd31_60', 'd61_90', 'd90Plus'] as const;
export type OverdueBucket = (typeof OVERDUE_BUCKETS)[number];
export const STEP_CHANNELS = ['email', 'sms', 'letter'] as const;
export type StepChannel = (typeof STEP_CHANNELS)[number];
export const ESCALATIONS = ['next_step', 'manager_task', 'legal'] as const;
export type Escalation = (typeof ESCALATIONS)[number];
export const POLICY_SCOPES = ['tenant', 'building', 'apartment'] as const;
export type PolicyScope = (typeof POLICY_SCOPES)[number];

export interface DunningStep {
  key: string;
  bucket: OverdueBucket;
  channel: StepChannel;
  template: string;
  /** Days between two attempts of this step. */
  frequencyDays: number;
  /** Attempts before the step escalates. */
  attempts: number;
  /** Days past due before the first attempt. */
  graceDays: number;
  escalation: Escalation;
}

export interface LateFeeRule {
  kind: 'flat' | 'percent';
  /** flat: the fee. */
  amountMinor: number | null;
  /** percent: of the overdue amount, in basis points (150 = 1.5 %). */
  basisPoints: number | null;
  /** percent: the most one fee may be. */
  maxAmountMinor: number | null;
  /** Days past due before the fee applies. */
  graceDays: number;
  /** Overdue amount below which no fee is charged. */
  minOverdueMinor: number;
  /** once per overdue episode, or at most once per calendar month. */
  frequency: 'once' | 'monthly';
}

export interface PolicyDocument {
  steps: DunningStep[];
  lateFees: LateFeeRule[];
}

const KEY = /^[a-z0-9][a-z0-9-]{0,39}$/;
const TEMPLATE = /^[a-z0-9][a-z0-9._-]{0,79}$/;

function int(field: string, v: unknown, min: number, max: number, dflt?: number): number {
  if ((v === undefined || v === null) && dflt !== undefined) return dflt;
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) throw badInput(field, `${field.split('.').pop()} must be an integer from ${min} to ${max}`);
  return v as number;
}

function pick<T extends string>(field: string, allowed: readonly T[], v: unknown, dflt?: T): T {
  const value = typeof v === 'string' ? v.toLowerCase() : v;
  if ((value === undefined || value === null) && dflt !== undefined) return dflt;
  // GraphQL enums spell d0_30 as D0_30 and d90Plus as D90_PLUS.
  const canonical = value === 'd90_plus' ? 'd90Plus' : value;
  if (!allowed.includes(canonical as T)) throw badInput(field, `${field.split('.').pop()} must be one of ${allowed.join(', ')}`);
  return canonical as T;
}

/**
 * Validates a policy document: 1–20 steps with unique keys, each in an overdue bucket with a
 * channel, a template key, attempts 1–10, frequency 1–90 days, grace 0–365 days and an escalation;
 * a bucket's last step with `next_step` simply ends that bucket (the debt ageing moves it on). At
 * most two late-fee rules.
 */
export function validatePolicy(input: { steps?: unknown; lateFees?: unknown }): PolicyDocument {
  if (!Array.isArray(input.steps) || input.steps.length < 1 || input.steps.length > 20) throw badInput('input.steps', 'steps must list 1 to 20 steps');
  const keys = new Set<string>();
  const steps = input.steps.map((raw, i): DunningStep => {
    const f = `input.steps.${i}`;
    const s = (raw ?? {}) as Record<string, unknown>;
    if (typeof s.key !== 'string' || !KEY.test(s.key)) throw badInput(`${f}.key`, 'key must be 1-40 of a-z, 0-9 and -');
    if (keys.has(s.key)) throw badInput(`${f}.key`, `key ${s.key} is used twice`);
    keys.add(s.key);
    if (typeof s.template !== 'string' || !TEMPLATE.test(s.template)) throw badInput(`${f}.template`, 'template must be a template key of a-z, 0-9, ., _ and -');
    return {
      key: s.key,
      bucket: pick(`${f}.bucket`, OVERDUE_BUCKETS, s.bucket),
      channel: pick(`${f}.channel`, STEP_CHANNELS, s.channel),
      template: s.template,
      frequencyDays: int(`${f}.frequencyDays`, s.frequencyDays, 1, 90, 7),
      attempts: int(`${f}.attempts`, s.attempts, 1, 10, 1),
      graceDays: int(`${f}.graceDays`, s.graceDays, 0, 365, 0),
      escalation: pick(`${f}.escalation`, ESCALATIONS, s.escalation, 'next_step'),
    };
  });
  const rawFees = input.lateFees ?? [];
  if (!Array.isArray(rawFees) || rawFees.length > 2) throw badInput('input.lateFees', 'lateFees holds at most two rules');
  const lateFees = rawFees.map((raw, i): LateFeeRule => {
    const f = `input.lateFees.${i}`;
    const r = (raw ?? {}) as Record<string, unknown>;
    const kind = pick(`${f}.kind`, ['flat', 'percent'] as const, r.kind);
    return {
      kind,
      amountMinor: kind === 'flat' ? int(`${f}.amountMinor`, r.amountMinor, 1, 1_000_000_00) : null,
      basisPoints: kind === 'percent' ? int(`${f}.basisPoints`, r.basisPoints, 1, 10_000) : null,
      maxAmountMinor: kind === 'percent' && r.maxAmountMinor != null ? int(`${f}.maxAmountMinor`, r.maxAmountMinor, 1, 1_000_000_00) : null,
      graceDays: int(`${f}.graceDays`, r.graceDays, 0, 365, 0),
      minOverdueMinor: int(`${f}.minOverdueMinor`, r.minOverdueMinor, 0, Number.MAX_SAFE_INTEGER, 0),
      frequency: pick(`${f}.frequency`, ['once', 'monthly'] as const, r.frequency, 'once'),
    };
  });
  return { steps, lateFees };
}

export interface StoredPolicy {
  id: string;
  scope: PolicyScope;
  scopeId: string | null;
  version: number;
  /** null: the override was removed in this version. */
  document: PolicyDocument | null;
}

/** The policy in force for an apartment: its own override, else its building's, else the tenant default (latest versions). */
export function effectivePolicy(current: readonly StoredPolicy[], apartmentId: string, buildingId: string): StoredPolicy | null {
  const find = (scope: PolicyScope, id: string | null) => current.find((p) => p.scope === scope && p.scopeId === id && p.document);
  return find('apartment', apartmentId) ?? find('building', buildingId) ?? find('tenant', null) ?? null;
}

export interface Attempt {
  stepKey: string;
  action: 'sent' | 'escalated';
  on: string;
}

export interface DunningState {
  asOf: string;
  overdueMinor: number;
  oldestDaysPastDue: number;
  promiseActive: boolean;
}

export type Decision =
  | { action: 'none'; reason: 'nothing overdue' | 'promise to pay active' | 'no step for this bucket' | 'steps exhausted' | 'escalated' }
  | { action: 'wait'; stepKey: string; channel: StepChannel; until: string; reason: 'grace' | 'frequency' }
  | { action: 'send'; stepKey: string; channel: StepChannel; template: string; attempt: number }
  | { action: 'escalate'; stepKey: string; escalation: Exclude<Escalation, 'next_step'> };

const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The overdue bucket of the oldest unpaid debt (null when nothing is overdue). */
export function overdueBucket(daysPastDue: number): OverdueBucket | null {
  if (daysPastDue <= 0) return null;
  if (daysPastDue <= 30) return 'd0_30';
  if (daysPastDue <= 60) return 'd31_60';
  if (daysPastDue <= 90) return 'd61_90';
  return 'd90Plus';
}

/**
 * What dunning does next for one apartment (pure). Nothing while nothing is overdue or a promise to
 * pay is active (escalation pauses). Otherwise the steps of the bucket of the oldest unpaid debt,
 * in order: the first step with attempts left is sent once its grace has passed and `frequencyDays`
 * after its previous attempt; a step out of attempts either hands over to the bucket's next step
 * (`next_step`) or escalates once (`manager_task`, `legal`).
 */
export function nextStep(policy: PolicyDocument, state: DunningState, history: readonly Attempt[]): Decision {
  if (state.overdueMinor <= 0 || state.oldestDaysPastDue <= 0) return { action: 'none', reason: 'nothing overdue' };
  if (state.promiseActive) return { action: 'none', reason: 'promise to pay active' };
  const bucket = overdueBucket(state.oldestDaysPastDue)!;
  const steps = policy.steps.filter((s) => s.bucket === bucket);
  if (!steps.length) return { action: 'none', reason: 'no step for this bucket' };
  for (const step of steps) {
    const sent = history.filter((h) => h.stepKey === step.key && h.action === 'sent').sort((a, b) => (a.on < b.on ? -1 : 1));
    if (sent.length < step.attempts) {
      if (state.oldestDaysPastDue < step.graceDays) {
        return { action: 'wait', stepKey: step.key, channel: step.channel, until: plusDays(state.asOf, step.graceDays - state.oldestDaysPastDue), reason: 'grace' };
      }
      const last = sent.at(-1);
      if (last && plusDays(last.on, step.frequencyDays) > state.asOf) {
        return { action: 'wait', stepKey: step.key, channel: step.channel, until: plusDays(last.on, step.frequencyDays), reason: 'frequency' };
      }
      return { action: 'send', stepKey: step.key, channel: step.channel, template: step.template, attempt: sent.length + 1 };
    }
    if (step.escalation === 'next_step') continue;
    if (history.some((h) => h.stepKey === step.key && h.action === 'escalated')) return { action: 'none', reason: 'escalated' };
    return { action: 'escalate', stepKey: step.key, escalation: step.escalation };
  }
  return { action: 'none', reason: 'steps exhausted' };
}

/**
 * The due date of the oldest unpaid debt: the start of the apartment's current overdue episode
 * (null when nothing is overdue).
 */
export function episodeDueOn(state: Pick<DunningState, 'asOf' | 'oldestDaysPastDue'>): string | null {
  return state.oldestDaysPastDue > 0 ? plusDays(state.asOf, -state.oldestDaysPastDue) : null;
}

/**
 * The attempts and escalations that count towards the current overdue episode (pure): those made
 * while the debt that is now the oldest unpaid one was already overdue (on a date after its due
 * date). Once an apartment's overdue debt is paid off and a later debt becomes overdue, what was
 * done about the old debt no longer counts and the policy starts again from its first step; while
 * the apartment stays in arrears without a break, the attempts made since the current oldest debt
 * fell overdue keep counting.
 */
export function episodeHistory(history: readonly Attempt[], state: Pick<DunningState, 'asOf' | 'oldestDaysPastDue'>): Attempt[] {
  const since = episodeDueOn(state);
  return since === null ? [] : history.filter((h) => h.on > since);
}

export interface LateFeeState {
  asOf: string;
  overdueMinor: number;
  oldestDaysPastDue: number;
  /** Late fees already charged in this overdue episode, per rule index, with their booking dates. */
  charged: readonly { rule: number; on: string }[];
}

/**
 * The late fees due now (pure): each rule applies once its grace has passed and the overdue amount
 * reaches its minimum; a `once` rule charges once per overdue episode, a `monthly` one at most
 * once per calendar month. Percent fees round half up and respect their cap.
 */
export function lateFeesDue(rules: readonly LateFeeRule[], s: LateFeeState): { rule: number; amountMinor: number }[] {
  if (s.overdueMinor <= 0) return [];
  return rules.flatMap((r, rule) => {
    if (s.oldestDaysPastDue < Math.max(1, r.graceDays) || s.overdueMinor < r.minOverdueMinor) return [];
    const mine = s.charged.filter((c) => c.rule === rule);
    if (r.frequency === 'once' && mine.length) return [];
    if (r.frequency === 'monthly' && mine.some((c) => c.on.slice(0, 7) === s.asOf.slice(0, 7))) return [];
    const amount = r.kind === 'flat' ? r.amountMinor! : Math.floor((s.overdueMinor * r.basisPoints! + 5_000) / 10_000);
    const capped = r.maxAmountMinor ? Math.min(amount, r.maxAmountMinor) : amount;
    return capped > 0 ? [{ rule, amountMinor: capped }] : [];
  });
}
