import { Counter, type Registry } from 'prom-client';

/** Why a sign-in step failed (a bounded metric label). */
export type AuthFailureReason = 'password' | 'mfa_invalid' | 'mfa_replayed' | 'refresh_invalid' | 'refresh_reused' | 'refresh_ended' | 'csrf' | 'api_key';

/** identity's security metrics (NC-504); every one is on the Security dashboard or an alert. */
export interface SecurityMetrics {
  authFailure(reason: AuthFailureReason): void;
  refreshReuse(): void;
  lockout(kind: 'login' | 'mfa'): void;
  rateLimited(route: string): void;
  publicLinkRejected(reason: string): void;
}

const cache = new WeakMap<Registry, SecurityMetrics>();

/** Registers the counters on the service's registry (once per registry). */
export function securityMetrics(registry: Registry): SecurityMetrics {
  let m = cache.get(registry);
  if (m) return m;
  const failures = new Counter({ name: 'auth_failures_total', help: 'Refused sign-in steps (password, second factor, refresh, CSRF, API key) by reason', labelNames: ['reason'], registers: [registry] });
  const reuse = new Counter({ name: 'refresh_token_reuse_total', help: 'Retired refresh tokens presented again (the family is revoked)', registers: [registry] });
  const lockouts = new Counter({ name: 'auth_lockouts_total', help: 'Accounts locked after repeated failures, by step (login|mfa)', labelNames: ['kind'], registers: [registry] });
  const limited = new Counter({ name: 'rate_limited_requests_total', help: 'Requests refused with 429 by an abuse limit, by route', labelNames: ['route'], registers: [registry] });
  const links = new Counter({ name: 'public_link_rejections_total', help: 'Public links refused at redemption by reason (invalid|expired|revoked|purpose|subject|used)', labelNames: ['reason'], registers: [registry] });
  // Every label value starts at 0 so rate() and the metrics-exist check see the series before the first failure.
  for (const r of ['password', 'mfa_invalid', 'mfa_replayed', 'refresh_invalid', 'refresh_reused', 'refresh_ended', 'csrf', 'api_key']) failures.inc({ reason: r }, 0);
  for (const k of ['login', 'mfa']) lockouts.inc({ kind: k }, 0);
  reuse.inc(0);
  for (const r of ['invalid', 'expired', 'revoked', 'purpose', 'subject', 'used']) links.inc({ reason: r }, 0);
  limited.inc({ route: '/auth/login' }, 0);
  m = {
    authFailure: (reason) => failures.inc({ reason }),
    refreshReuse: () => reuse.inc(),
    lockout: (kind) => lockouts.inc({ kind }),
    rateLimited: (route) => limited.inc({ route }),
    publicLinkRejected: (reason) => links.inc({ reason }),
  };
  cache.set(registry, m);
  return m;
}
