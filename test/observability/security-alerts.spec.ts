// The security alerts (NC-504) under `promtool test rules`, against the committed PrometheusRule:
// brute force pages only at attack rate held 5 minutes, refresh-token reuse opens a ticket past 5
// detections in 15 minutes, forged tokens (not expired ones) past 50 per 10 minutes held 10.
// Input series are one sample a minute; checks are minutes from 0.
import { SECURITY_ALERT_NAMES, SECURITY_RUNBOOK_PATH } from '../../packages/observability/src/security-alerts';
import { groupAlerts, runAlertTest, runbookHeadings, type AlertCheck } from './support/promtool';

const alerts = () => groupAlerts('commonhold-security');
const run = (input: { series: string; values: string }[], checks: AlertCheck[]) => runAlertTest(alerts(), input, checks);

const id = { service: 'identity' };

it('are in the committed rules, each with a heading in the security runbook', () => {
  expect(alerts().map((a) => a.alert)).toEqual([...SECURITY_ALERT_NAMES]);
  const headings = runbookHeadings(SECURITY_RUNBOOK_PATH);
  for (const a of alerts()) {
    expect(a.annotations.runbook_url).toBe(`${SECURITY_RUNBOOK_PATH}#${a.alert.toLowerCase()}`);
    expect(a.labels.area).toBe('security');
    expect(headings.has(a.alert.toLowerCase())).toBe(true);
  }
});

it('brute force: quiet at a normal failure rate, pages once failures pass 100 per 5 min and hold 5 min', () => {
  run(
    [
      // 2 failed passwords a minute for 10 minutes (people mistype), then 60 a minute (an attack) from minute 11.
      { series: 'auth_failures_total{service="identity",reason="password"}', values: '0+2x10 20+60x30' },
      // Expired tokens by the hundred are normal (clients refresh late): never a forged-token alert.
      { series: 'token_verification_failures_total{service="gateway",reason="expired"}', values: '0+100x40' },
    ],
    [
      { at: 10, alert: 'SignInBruteForce', firing: [] },
      // The 5-minute increase passes 100 at minute 13; held 5 min → pending until 17, firing from 18.
      { at: 17, alert: 'SignInBruteForce', firing: [] },
      { at: 18, alert: 'SignInBruteForce', firing: [id] },
      { at: 30, alert: 'SignInBruteForce', firing: [id] },
      { at: 30, alert: 'ForgedTokensSpike', firing: [] },
    ],
  );
});

it('refresh reuse: a few detections are quiet, more than 5 in 15 min open a ticket at once', () => {
  run(
    [{ series: 'refresh_token_reuse_total{service="identity"}', values: '0x5 1 1 2 2 2 2 2 2 2 2 5 9 9 9 9' }],
    [
      { at: 15, alert: 'RefreshTokenReuseSpike', firing: [] },
      { at: 16, alert: 'RefreshTokenReuseSpike', firing: [] },
      { at: 17, alert: 'RefreshTokenReuseSpike', firing: [id] },
    ],
  );
});

it('forged tokens: alg and signature refusals past 50 per 10 min held 10 min open a ticket', () => {
  run(
    [
      { series: 'token_verification_failures_total{service="gateway",reason="alg"}', values: '0x4 0+10x40' },
      { series: 'token_verification_failures_total{service="gateway",reason="signature"}', values: '0x4 0+5x40' },
    ],
    [
      // 15 a minute from minute 5: increase over 10m passes 50 at minute 9; held 10 min → fires at 19.
      { at: 18, alert: 'ForgedTokensSpike', firing: [] },
      { at: 19, alert: 'ForgedTokensSpike', firing: [{ service: 'gateway' }] },
    ],
  );
});
