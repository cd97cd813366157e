/**
 * Tenants' own feature-flag settings, in every service database beside the kit tables (the table:
 * `KitTenantFlags1790000000300`): the first
 * rule of the pilot rollout (flags.ts). Written only by operators (`main flag …`, or
 * `setTenantFeatureFlag` from a tool), each change with an audit event; no tenant role may set them,
 * so a tenant cannot opt itself into an unreleased capability.
 */
import type { DataSource } from 'typeorm';
import { writeAudit } from './audit';
import type { BaseConfig, FeatureFlag } from './config';
import { withTenant } from './db';
import { featureDisabled, featureOnFor, type PilotTenants } from './flags';

/** Answers "is `flag` on for this tenant?" per the rollout rule, caching each tenant's settings briefly. */
export class TenantFlags {
  private readonly cache = new Map<string, { until: number; settings: Map<string, boolean> }>();

  constructor(
    private readonly ds: DataSource,
    private readonly env: { config: Partial<Record<FeatureFlag, boolean>>; pilots: PilotTenants },
    private readonly cacheMs: number,
  ) {}

  async isOn(flag: FeatureFlag, tenantId: string): Promise<boolean> {
    const settings = await this.settings(tenantId);
    return featureOnFor(flag, tenantId, this.env, settings.get(flag));
  }

  /** FEATURE_DISABLED unless `flag` is on for the tenant. */
  async require(flag: FeatureFlag, tenantId: string): Promise<void> {
    if (!(await this.isOn(flag, tenantId))) throw featureDisabled(flag);
  }

  /** Forgets a tenant's cached settings (after a change made by this process). */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async settings(tenantId: string): Promise<Map<string, boolean>> {
    const now = Date.now();
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > now) return hit.settings;
    const rows: { flag: string; enabled: boolean }[] = await withTenant(this.ds, tenantId, (m) => m.query(`SELECT flag, enabled FROM tenant_feature_flags`));
    const settings = new Map(rows.map((r) => [r.flag, r.enabled]));
    if (this.cacheMs > 0) {
      this.cache.set(tenantId, { until: now + this.cacheMs, settings });
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    }
    return settings;
  }
}

export function tenantFlagsFor(ds: DataSource, config: BaseConfig, pilots: PilotTenants): TenantFlags {
  return new TenantFlags(ds, { config: config as Partial<Record<FeatureFlag, boolean>>, pilots }, config.TENANT_FLAGS_CACHE_MS ?? 5000);
}

export interface SetTenantFeatureFlag {
  tenantId: string;
  flag: FeatureFlag;
  /** true/false: the tenant's own setting; null: remove it (the environment decides again). */
  enabled: boolean | null;
  /** Who made the change (an operator's name), kept in the audit trail. */
  actor: string;
}

/** Sets or clears a tenant's setting of a flag, with an audit event (before/after) in the same transaction. */
export function setTenantFeatureFlag(ds: DataSource, cmd: SetTenantFeatureFlag): Promise<{ before: boolean | null; after: boolean | null }> {
  const { tenantId, flag, enabled, actor } = cmd;
  if (!actor.trim()) throw new Error('setTenantFeatureFlag: name the actor (kept in the audit trail)');
  return withTenant(ds, tenantId, async (m) => {
    const [row] = await m.query(`SELECT enabled FROM tenant_feature_flags WHERE flag = $1 FOR UPDATE`, [flag]);
    const before: boolean | null = row ? row.enabled : null;
    if (enabled === null) await m.query(`DELETE FROM tenant_feature_flags WHERE flag = $1`, [flag]);
    else {
      await m.query(
        `INSERT INTO tenant_feature_flags (tenant_id, flag, enabled, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, flag) DO UPDATE SET enabled = EXCLUDED.enabled, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [tenantId, flag, enabled, actor],
      );
    }
    if (before !== enabled) {
      await writeAudit(m, { tenantId, actor, action: 'feature-flag.set', entityType: 'feature-flag', entityId: flag, before: { enabled: before }, after: { enabled } });
    }
    return { before, after: enabled };
  });
}
