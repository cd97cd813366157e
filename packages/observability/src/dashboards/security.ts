import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { SECURITY_METRICS as M, SECURITY_RUNBOOK_PATH } from '../security-alerts';
import { Layout, RATE, dashboard, timeseries } from './common';

/** NC-504: sign-in failures, lockouts, refresh reuse, refused tokens, abuse limits, public links. */
export function securityDashboard(): Dashboard {
  const perSecond = (name: string, by: string, filter = '') => [{ expr: `sum by (${by}) (rate(${name}${filter}[${RATE}]))`, legend: by.split(', ').map((l) => `{{${l}}}`).join(' ') }];
  return new Layout(dashboard('commonhold-security', 'Commonhold / Security', `Sign-in abuse, token refusals, refresh reuse, abuse limits and public-link rejections. Alerts and what to do: ${SECURITY_RUNBOOK_PATH}.`))
    .row('Sign-in (identity)')
    .add(timeseries('Sign-in failures by reason', `Refused sign-in steps per second: wrong passwords, second-factor codes (invalid, replayed), refresh tokens (invalid, reused, ended), CSRF, API keys. Metric \`${M.authFailures.name}\`.`, 'ops', perSecond(M.authFailures.name, 'reason')), 12)
    .add(timeseries('Lockouts', `Accounts locked per second, by step (login, mfa). Metric \`${M.lockouts.name}\`.`, 'ops', perSecond(M.lockouts.name, 'kind')), 12)
    .add(
      timeseries('Refresh-token reuse', `Retired refresh tokens presented again (each revokes its session family), per 15 minutes. Metric \`${M.refreshReuse.name}\`.`, 'short', [
        { expr: `sum(increase(${M.refreshReuse.name}[15m]))`, legend: 'reuse detections / 15m' },
      ]),
      12,
    )
    .add(timeseries('Public-link rejections', `Redemptions refused by reason (invalid, expired, revoked, purpose, subject, used). Metric \`${M.publicLinkRejections.name}\`.`, 'ops', perSecond(M.publicLinkRejections.name, 'reason')), 12)
    .row('Tokens and limits (gateway and subgraphs)')
    .add(timeseries('Refused bearer tokens by reason', `Tokens the kit verifier refused, by service and reason (alg, signature, unknown_kid, expired, claims, lifetime, ...). Metric \`${M.tokenRejections.name}\`.`, 'ops', perSecond(M.tokenRejections.name, 'service, reason')), 12)
    .add(timeseries('Rate-limited requests by route', `429 answers per second by service and route (gateway budgets: address, tenant, user, webhook; identity: login, mfa, refresh, redemption). Metric \`${M.rateLimited.name}\`.`, 'ops', perSecond(M.rateLimited.name, 'service, route')), 12)
    .build();
}
