import type { AlertingRule, RuleGroup } from './rules';

/** The event path's alerts link here (one heading per alert name). */
export const EVENT_RUNBOOK_PATH = 'docs/runbooks/event-alerts.md';

/**
 * Alerts on the event path (ADR 0006). `outbox_lag_seconds` is the age of each service's oldest
 * unpublished outbox row, so it grows through a broker outage, a stuck relay or a lost leader —
 * whatever the cause, events the client saw committed are not reaching anyone. A failed sample
 * sets the gauge to NaN (every comparison false) and the `*_stale` gauge to 1: those get their own
 * alerts, so "we cannot tell" never reads as "all is well".
 */
export interface EventAlertPolicy {
  alert: string;
  severity: 'page' | 'ticket';
  expr: string;
  /** How long the condition must hold (Prometheus `for`). */
  for: string;
  summary: string;
  description: string;
  /** Repo-relative runbook whose heading is the alert name; the event runbook unless set. */
  runbook?: string;
  /** The `area` label; `events` unless set. */
  area?: string;
}

/** Seconds of outbox age that open a ticket / page someone. */
export const OUTBOX_DELAYED_SECONDS = 60;
export const OUTBOX_STUCK_SECONDS = 600;

export const EVENT_ALERTS: readonly EventAlertPolicy[] = [
  {
    alert: 'OutboxEventsDelayed',
    severity: 'ticket',
    expr: `max by (service) (outbox_lag_seconds) > ${OUTBOX_DELAYED_SECONDS}`,
    for: '10m',
    summary: 'Committed events wait more than a minute in the outbox',
    description: `The oldest unpublished outbox row has been older than ${OUTBOX_DELAYED_SECONDS}s for 10 minutes: the relay publishes, but too slowly or in bursts (broker throttling, a slow relay, a backlog after an outage).`,
  },
  {
    alert: 'OutboxEventsStuck',
    severity: 'page',
    expr: `max by (service) (outbox_lag_seconds) > ${OUTBOX_STUCK_SECONDS}`,
    for: '5m',
    summary: 'Committed events have not been published for over 10 minutes',
    description: `The oldest unpublished outbox row is older than ${OUTBOX_STUCK_SECONDS}s and has been for 5 minutes: nothing downstream (projections, rollups, other services) sees changes clients were told succeeded. Usually the broker is down or no replica holds the relay's leadership.`,
  },
  {
    alert: 'OutboxLagUnknown',
    severity: 'ticket',
    expr: 'max by (service) (outbox_lag_stale) == 1',
    for: '10m',
    summary: 'The outbox age cannot be measured',
    description: 'Every outbox_lag_seconds sample for 10 minutes failed (the gauge reads NaN): the service cannot query its own database, so a stuck outbox would go unnoticed.',
  },
  {
    alert: 'ConsumerLagUnknown',
    severity: 'ticket',
    expr: 'max by (service, group, topic) (consumer_lag_stale) == 1',
    for: '10m',
    summary: 'A consumer group’s lag cannot be measured',
    description: 'Every consumer_lag_messages sample for this group and topic failed for 10 minutes (the gauge reads NaN): usually the broker is unreachable from the service, so consumers are not consuming either.',
  },
];

export const EVENT_ALERT_NAMES: readonly string[] = EVENT_ALERTS.map((a) => a.alert);

export const eventRunbookUrl = (alert: string, runbook = EVENT_RUNBOOK_PATH): string => `${runbook}#${alert.toLowerCase()}`;

export function eventAlertRule(p: EventAlertPolicy): AlertingRule & { for: string } {
  return {
    alert: p.alert,
    expr: p.expr,
    for: p.for,
    labels: { severity: p.severity, area: p.area ?? 'events' },
    annotations: { summary: p.summary, description: p.description, runbook_url: eventRunbookUrl(p.alert, p.runbook) },
  };
}

/** One group, after the SLO groups. */
export function eventRuleGroup(): RuleGroup {
  return { name: 'commonhold-events', rules: EVENT_ALERTS.map(eventAlertRule) };
}

/** The audit-completeness checker's alerts (NC-NFR-03) link here. */
export const AUDIT_RUNBOOK_PATH = 'docs/runbooks/audit-gaps.md';

/**
 * Audit completeness (the kit's AuditChecker): `audit_gaps{check}` counts rows whose financial side
 * effect has no audit event. The audit row is written in the same transaction as the change, so
 * there is no race to wait out: one pass that finds a gap is a real gap. A checker that stops
 * completing passes would hide gaps, so that has its own alert (three missed default intervals).
 */
export const AUDIT_ALERTS: readonly EventAlertPolicy[] = [
  {
    alert: 'AuditGapsFound',
    severity: 'ticket',
    expr: 'max by (service, check) (audit_gaps) > 0',
    for: '0m',
    summary: 'Financial side effects without their audit event',
    description: 'The audit-completeness pass found rows (see the check label) whose audit event is missing: a code path skipped writeAudit, or someone wrote to the database outside the application. GET /audit-gaps on the service lists tenants and ids.',
    runbook: AUDIT_RUNBOOK_PATH,
    area: 'audit',
  },
  {
    alert: 'AuditCheckNotRunning',
    severity: 'ticket',
    expr: 'time() - max by (service) (audit_check_last_success_timestamp_seconds > 0) > 1800',
    for: '10m',
    summary: 'The audit-completeness check has not completed a pass for 30 minutes',
    description: 'No audit-completeness pass has completed for three default intervals (AUDIT_CHECK_INTERVAL_MS = 10 min): audit gaps would go unnoticed. Usually the database refuses the checker\'s queries. A service with no checks, or with AUDIT_CHECK_INTERVAL_MS=0, reports 0 and is not alerted on.',
    runbook: AUDIT_RUNBOOK_PATH,
    area: 'audit',
  },
];

export const AUDIT_ALERT_NAMES: readonly string[] = AUDIT_ALERTS.map((a) => a.alert);

export function auditRuleGroup(): RuleGroup {
  return { name: 'commonhold-audit', rules: AUDIT_ALERTS.map(eventAlertRule) };
}
