// The event-path alerts (issue 10 item 3) under `promtool test rules`, against the committed
// PrometheusRule: outbox age opens a ticket past 60 s held for 10 min and pages past 600 s held
// for 5 min; a lag that cannot be measured (NaN + *_stale = 1) never reads as "fine" and never
// fires the age alerts. Input series are one sample a minute; checks are minutes from 0.
import { AUDIT_ALERT_NAMES, AUDIT_RUNBOOK_PATH, EVENT_ALERT_NAMES, EVENT_RUNBOOK_PATH } from '../../packages/observability/src/event-alerts';
import { groupAlerts, runAlertTest, runbookHeadings, type AlertCheck } from './support/promtool';

const run = (input: { series: string; values: string }[], checks: AlertCheck[]) => runAlertTest(groupAlerts('commonhold-events', 'commonhold-audit'), input, checks);

/** `n` NaN samples (promtool's expanding notation has no `NaNxN`). */
const nan = (n: number) => Array(n).fill('NaN').join(' ');

const fr = { service: 'fundraising' };
const vo = { service: 'volunteers' };

describe('event-path alerts (promtool test rules)', () => {
  it('are in the committed rules with a runbook heading each', () => {
    expect(groupAlerts('commonhold-events').map((a) => a.alert)).toEqual([...EVENT_ALERT_NAMES]);
    const headings = runbookHeadings(EVENT_RUNBOOK_PATH);
    for (const a of groupAlerts('commonhold-events')) {
      expect(a.annotations.runbook_url).toBe(`${EVENT_RUNBOOK_PATH}#${a.alert.toLowerCase()}`);
      expect(headings.has(a.alert.toLowerCase())).toBe(true);
    }
  });

  it('outbox age: quiet while rows publish within seconds or a backlog clears inside 10 min; ticket at 60 s held 10 min; page at 600 s held 5 min', () => {
    run(
      [
        // fundraising: healthy 10 min, then the broker goes away at minute 10 and the oldest row ages 60 s a minute.
        { series: 'outbox_lag_seconds{service="fundraising"}', values: '0.1x9 0+60x40' },
        // volunteers: a 5-minute burst (age up to 240 s) that clears: never a ticket.
        { series: 'outbox_lag_seconds{service="volunteers"}', values: '0.1x9 0+60x4 0.1x35' },
      ],
      [
        { at: 9, alert: 'OutboxEventsDelayed', firing: [] },
        // fundraising's age passes 60 s at minute 12 (120 s); held for 10 min → fires at 22, not at 21.
        { at: 21, alert: 'OutboxEventsDelayed', firing: [] },
        { at: 22, alert: 'OutboxEventsDelayed', firing: [fr] },
        { at: 18, alert: 'OutboxEventsStuck', firing: [] },
        // age > 600 s from minute 21 (660 s); held for 5 min → fires at 26, not at 25.
        { at: 25, alert: 'OutboxEventsStuck', firing: [] },
        { at: 26, alert: 'OutboxEventsStuck', firing: [fr] },
      ],
    );
  });

  it('an unmeasurable lag (NaN, stale = 1) fires only the "unknown" alerts, after 10 min, and clears when sampling works again', () => {
    run(
      [
        // fundraising's database is unreachable from minute 5 to minute 25: the gauge is NaN, stale 1.
        { series: 'outbox_lag_seconds{service="fundraising"}', values: `0.1x4 ${nan(20)} 0.1x10` },
        { series: 'outbox_lag_stale{service="fundraising"}', values: '0x4 1x20 0x10' },
        { series: 'outbox_lag_stale{service="volunteers"}', values: '0x35' },
        // volunteers' consumer cannot reach the broker from minute 5 on.
        { series: 'consumer_lag_messages{service="volunteers",group="volunteers.contacts",topic="fundraising.contact"}', values: `3x4 ${nan(30)}` },
        { series: 'consumer_lag_stale{service="volunteers",group="volunteers.contacts",topic="fundraising.contact"}', values: '0x4 1x30' },
      ],
      [
        { at: 14, alert: 'OutboxLagUnknown', firing: [] },
        { at: 15, alert: 'OutboxLagUnknown', firing: [fr] },
        { at: 24, alert: 'OutboxLagUnknown', firing: [fr] },
        { at: 26, alert: 'OutboxLagUnknown', firing: [] },
        { at: 20, alert: 'OutboxEventsDelayed', firing: [] }, // NaN compares false: no made-up age
        { at: 20, alert: 'OutboxEventsStuck', firing: [] },
        { at: 14, alert: 'ConsumerLagUnknown', firing: [] },
        { at: 15, alert: 'ConsumerLagUnknown', firing: [{ ...vo, group: 'volunteers.contacts', topic: 'fundraising.contact' }] },
      ],
    );
  });
});

describe('audit-completeness alerts (promtool test rules)', () => {
  it('are in the committed rules, each with a heading in the audit runbook', () => {
    expect(groupAlerts('commonhold-audit').map((a) => a.alert)).toEqual([...AUDIT_ALERT_NAMES]);
    const headings = runbookHeadings(AUDIT_RUNBOOK_PATH);
    for (const a of groupAlerts('commonhold-audit')) {
      expect(a.annotations.runbook_url).toBe(`${AUDIT_RUNBOOK_PATH}#${a.alert.toLowerCase()}`);
      expect(headings.has(a.alert.toLowerCase())).toBe(true);
    }
  });

  it('a gap fires on the first pass that finds it, per service and check, and clears when it is gone', () => {
    run(
      [
        { series: 'audit_gaps{service="fundraising",check="donations"}', values: '0x4 2x5 0x5' },
        { series: 'audit_gaps{service="fundraising",check="refunds"}', values: '0x14' },
      ],
      [
        { at: 4, alert: 'AuditGapsFound', firing: [] },
        { at: 5, alert: 'AuditGapsFound', firing: [{ ...fr, check: 'donations' }] },
        { at: 11, alert: 'AuditGapsFound', firing: [] },
      ],
    );
  });

  it('a checker that stops completing passes tickets after 30 + 10 min; a service without checks (0) never does', () => {
    // promtool's clock starts at 0 s: fundraising's checker booted at 60 s and passed every 10 min
    // until 1260 s (minute 21), then stopped; volunteers has no checks and reports 0.
    run(
      [
        { series: 'audit_check_last_success_timestamp_seconds{service="fundraising"}', values: '60x9 660x10 1260x60' },
        { series: 'audit_check_last_success_timestamp_seconds{service="volunteers"}', values: '0x80' },
      ],
      [
        { at: 40, alert: 'AuditCheckNotRunning', firing: [] },
        // older than 1800 s from minute 52 (3120 - 1260 > 1800 first at 3061 s); held 10 min → 62.
        { at: 61, alert: 'AuditCheckNotRunning', firing: [] },
        { at: 62, alert: 'AuditCheckNotRunning', firing: [fr] },
      ],
    );
  });
});
