import { AppError } from './errors';
import type { FeatureFlag } from './config';

/** Throws FEATURE_DISABLED when the flag is off, so a disabled feature answers the same way everywhere. */
export function requireFeature(config: Partial<Record<FeatureFlag, boolean>>, flag: FeatureFlag): void {
  if (!config[flag]) throw featureDisabled(flag);
}

export const featureDisabled = (flag: FeatureFlag) => new AppError('FEATURE_DISABLED', `This feature is disabled (${flag})`, { details: { flag } });

/*
 * Pilot rollout per tenant (docs/runbooks/feature-pilots.md). Whether a flag is on for a tenant:
 *   1. the tenant's own setting (`tenant_feature_flags`, written by `setTenantFeatureFlag`), if any;
 *   2. else the environment's pilot list `FEATURE_PILOT_TENANTS` (`FLAG:tenant-a,tenant-b;…`): on
 *      for the listed tenants;
 *   3. else the environment's `FLAG=true|false`, the default for everyone.
 * So `ENABLE_X=false` with `FEATURE_PILOT_TENANTS=ENABLE_X:a,b,c` is on for a, b and c only.
 */

/** Flag → the tenants the environment turns it on for. */
export type PilotTenants = ReadonlyMap<FeatureFlag, ReadonlySet<string>>;

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses `FEATURE_PILOT_TENANTS` against the known flags; throws naming every bad part (config validation reports it). */
export function parsePilotTenants(value: string | undefined, known: readonly string[]): PilotTenants {
  const out = new Map<FeatureFlag, Set<string>>();
  const problems: string[] = [];
  for (const part of (value ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Z0-9_]+):(.*)$/.exec(part);
    const flag = m?.[1] as FeatureFlag | undefined;
    if (!m || !flag || !known.includes(flag)) {
      problems.push(`"${part}": expected FLAG:tenant,tenant with a known flag`);
      continue;
    }
    const tenants = m[2]!.split(',').map((t) => t.trim()).filter(Boolean);
    const bad = tenants.filter((t) => !TENANT.test(t));
    if (!tenants.length || bad.length) problems.push(`"${part}": tenant ids are 1-64 of [A-Za-z0-9_-]`);
    if (out.has(flag)) problems.push(`${flag} is listed twice`);
    out.set(flag, new Set(tenants));
  }
  if (problems.length) throw new Error(problems.join('; '));
  return out;
}

/** The rule above, pure: `override` is the tenant's own setting (undefined when it has none). */
export function featureOnFor(flag: FeatureFlag, tenantId: string, env: { config: Partial<Record<FeatureFlag, boolean>>; pilots: PilotTenants }, override?: boolean): boolean {
  if (override !== undefined) return override;
  if (env.pilots.get(flag)?.has(tenantId)) return true;
  return !!env.config[flag];
}
