/**
 * Audit completeness (NC-NFR-03): every financial side effect must have an audit event carrying a
 * trace id. A service declares, per kind of side effect, a check: SQL that returns the ids of rows
 * (in the current tenant; row-level security applies) that have no such audit event. The checker
 * runs every check for every tenant the service has seen, on a schedule, and reports:
 *   - `audit_gaps{check}`: rows without their audit event, summed over tenants (alert when > 0);
 *   - `audit_check_last_success_timestamp_seconds`: when a full pass last completed;
 *   - the gaps themselves (tenant, check, first ids) on `GET /audit-gaps` (behind METRICS_TOKEN when
 *     set) and in the log, for the operator (docs/runbooks/audit-gaps.md).
 * Tenants come from `kit_tenants`, filled by statement triggers on the kit's tables (ADR 0007).
 */
import type { DataSource } from 'typeorm';
import { withTenant } from './db';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface AuditCheck {
  /** Stable, snake_case: the metric label and what the operator sees. */
  name: string;
  /** What it means when a row shows up (for the operator). */
  description: string;
  /** SELECT returning `entity_id` (text) of each row lacking its audit event; RLS scopes it to one tenant. */
  sql: string;
}

export interface AuditGap {
  tenantId: string;
  check: string;
  count: number;
  /** Up to `sampleSize` ids, oldest first where the SQL orders them. */
  entityIds: string[];
}

export interface AuditReport {
  checkedAt: string;
  tenants: number;
  gaps: AuditGap[];
}

const CHECK_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export class AuditChecker {
  private last: AuditReport | undefined;
  private running: Promise<AuditReport> | undefined;

  constructor(
    private readonly opts: { ds: DataSource; checks: readonly AuditCheck[]; metrics: Metrics; log: Logger; sampleSize?: number },
  ) {
    const names = new Set<string>();
    for (const c of opts.checks) {
      if (!CHECK_NAME.test(c.name)) throw new Error(`Audit check name "${c.name}" must be snake_case`);
      if (names.has(c.name)) throw new Error(`Audit check ${c.name} is declared twice`);
      names.add(c.name);
    }
  }

  /** The last completed pass (undefined before the first). */
  lastReport(): AuditReport | undefined {
    return this.last;
  }

  /** Runs every check for every known tenant (one pass at a time; a second caller shares it). */
  run(): Promise<AuditReport> {
    return (this.running ??= this.pass().finally(() => (this.running = undefined)));
  }

  private async pass(): Promise<AuditReport> {
    const { ds, checks, metrics, log } = this.opts;
    const sample = this.opts.sampleSize ?? 20;
    const tenants: { tenant_id: string }[] = await ds.query(`SELECT tenant_id FROM kit_tenants ORDER BY tenant_id`);
    const gaps: AuditGap[] = [];
    const totals = new Map(checks.map((c) => [c.name, 0]));
    for (const { tenant_id: tenantId } of tenants) {
      await withTenant(ds, tenantId, async (m) => {
        for (const c of checks) {
          const rows: { entity_id: string }[] = await m.query(`SELECT entity_id::text AS entity_id FROM (${c.sql}) gaps`);
          if (!rows.length) continue;
          totals.set(c.name, totals.get(c.name)! + rows.length);
          gaps.push({ tenantId, check: c.name, count: rows.length, entityIds: rows.slice(0, sample).map((r) => r.entity_id) });
        }
      });
    }
    for (const [check, n] of totals) metrics.auditGaps.set({ check }, n);
    metrics.auditCheckLastSuccess.set(Date.now() / 1000);
    for (const g of gaps) log.warn({ auditGap: g }, `audit gap: ${g.count} ${g.check} without an audit event carrying a trace id (tenant ${g.tenantId})`);
    this.last = { checkedAt: new Date().toISOString(), tenants: tenants.length, gaps };
    return this.last;
  }
}
