import { eventAlertRule, type EventAlertPolicy } from './event-alerts';
import type { RuleGroup } from './rules';

/** The security alerts link here (one heading per alert name). */
export const SECURITY_RUNBOOK_PATH = 'docs/runbooks/security-alerts.md';

/**
 * Security metrics exported today (NC-504): identity's sign-in counters, the kit verifier's token
 * refusals (gateway and every subgraph) and the abuse limits' refusals (gateway and identity).
 * The Security dashboard and the alerts below draw from these names; metrics-exist proves each.
 */
export const SECURITY_METRICS = {
  authFailures: { name: 'auth_failures_total', labels: ['reason'], service: 'identity', help: 'Refused sign-in steps by reason (password, mfa_invalid, mfa_replayed, refresh_invalid, refresh_reused, refresh_ended, csrf, api_key)' },
  lockouts: { name: 'auth_lockouts_total', labels: ['kind'], service: 'identity', help: 'Accounts locked after repeated failures, by step (login|mfa)' },
  refreshReuse: { name: 'refresh_token_reuse_total', labels: [], service: 'identity', help: 'Retired refresh tokens presented again (family revoked)' },
  tokenRejections: { name: 'token_verification_failures_total', labels: ['reason'], service: 'gateway and every subgraph', help: 'Bearer tokens refused by the kit verifier, by reason' },
  rateLimited: { name: 'rate_limited_requests_total', labels: ['route'], service: 'gateway, identity', help: 'Requests refused 429 by an abuse limit, by route' },
  publicLinkRejections: { name: 'public_link_rejections_total', labels: ['reason'], service: 'identity', help: 'Public links refused at redemption, by reason' },
} as const;

/** Failed passwords and second-factor codes per 5 minutes, per service, that page as an attack. */
export const BRUTE_FORCE_FAILURES_5M = 100;
/** Refresh-token reuse detections per 15 minutes that open a ticket (each one revoked a family). */
export const REUSE_DETECTIONS_15M = 5;
/** Forged-looking tokens (alg, signature, unknown kid, lifetime, future iat) per 10 minutes. */
export const FORGED_TOKENS_10M = 50;

export const SECURITY_ALERTS: readonly EventAlertPolicy[] = (
  [
  {
    alert: 'SignInBruteForce',
    severity: 'page',
    expr: `sum by (service) (increase(auth_failures_total{reason=~"password|mfa_invalid"}[5m])) > ${BRUTE_FORCE_FAILURES_5M}`,
    for: '5m',
    summary: 'Sign-in failures at attack rate',
    description: `More than ${BRUTE_FORCE_FAILURES_5M} failed passwords or second-factor codes per 5 minutes, held for 5 minutes: credential stuffing or guessing. Per-account and per-address lockouts slow it; this tells a human it is happening.`,
  },
  {
    alert: 'AccountLockoutsSpike',
    severity: 'ticket',
    expr: 'sum by (service, kind) (increase(auth_lockouts_total[15m])) > 10',
    for: '0m',
    summary: 'Many accounts locked out',
    description: 'More than 10 accounts were locked within 15 minutes (kind: login or mfa): a guessing wave spread over accounts, or a broken client retrying a stale password.',
  },
  {
    alert: 'RefreshTokenReuseSpike',
    severity: 'ticket',
    expr: `sum by (service) (increase(refresh_token_reuse_total[15m])) > ${REUSE_DETECTIONS_15M}`,
    for: '0m',
    summary: 'Refresh tokens are being replayed',
    description: `More than ${REUSE_DETECTIONS_15M} retired refresh tokens were presented within 15 minutes. Each revoked a session family; several at once suggest stolen tokens (malware, a leaking log or proxy) or a client that retries refreshes.`,
  },
  {
    alert: 'ForgedTokensSpike',
    severity: 'ticket',
    expr: `sum by (service) (increase(token_verification_failures_total{reason=~"alg|signature|unknown_kid|lifetime|future_iat"}[10m])) > ${FORGED_TOKENS_10M}`,
    for: '10m',
    summary: 'Bearer tokens with forged or foreign signatures',
    description: `More than ${FORGED_TOKENS_10M} tokens per 10 minutes refused for their algorithm, signature, key id, lifetime or issue time, held for 10 minutes. Expired tokens are not counted (clients refresh late all the time).`,
  },
  {
    alert: 'RateLimitedRequestsHigh',
    severity: 'ticket',
    expr: 'sum by (service, route) (rate(rate_limited_requests_total[5m])) > 1',
    for: '15m',
    summary: 'An abuse limit refuses more than one request a second',
    description: 'A route has answered 429 more than once a second for 15 minutes: an attack the limit is holding back, or a legitimate client (an integrator, a provider retrying webhooks) whose budget is too small.',
  },
  {
    alert: 'PublicLinkProbing',
    severity: 'ticket',
    expr: 'sum by (service) (increase(public_link_rejections_total{reason=~"invalid|purpose|subject"}[15m])) > 20',
    for: '0m',
    summary: 'Public links refused as invalid or misused',
    description: 'More than 20 public-link redemptions in 15 minutes were refused as invalid, for another purpose or for another subject: someone is guessing or replaying links across subjects.',
  },
  ] satisfies Omit<EventAlertPolicy, 'runbook' | 'area'>[]
).map((a) => ({ ...a, runbook: SECURITY_RUNBOOK_PATH, area: 'security' }));

export const SECURITY_ALERT_NAMES: readonly string[] = SECURITY_ALERTS.map((a) => a.alert);

export function securityRuleGroup(): RuleGroup {
  return { name: 'commonhold-security', rules: SECURITY_ALERTS.map(eventAlertRule) };
}
