import { randomUUID } from 'node:crypto';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, DateScalar, DateTimeScalar, idempotent, notFound, parsePage, toConnection, writeAudit, type AuditRow, type RequestContext, SafeIntScalar } from '@commonhold/kit';
import { recomputeAllRollups } from '../modules/gifts/rollup-store';
import { loadSettings, type FundraisingSettings } from '../modules/settings';
import { requiredText } from '../modules/input';
import { isUuid } from './loaders';

type Ctx = RequestContext;
const cmd = (ctx: Ctx) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });

function code(field: string, value: unknown): string {
  const c = requiredText(field, value, 40).toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]*$/.test(c)) throw badInput(field, 'code may hold only letters, digits, "-" and "_"');
  return c;
}

/** Inserts a reference row (campaign, appeal, fund) unless its code is taken in this tenant. */
async function insertReference(m: EntityManager, table: 'campaigns' | 'appeals' | 'funds', row: Record<string, unknown>) {
  const cols = Object.keys(row);
  const inserted = await m.query(
    `INSERT INTO ${table} (${cols.map((c) => c.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`)).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (tenant_id, code) DO NOTHING RETURNING id`,
    Object.values(row),
  );
  if (!inserted.length) throw new AppError('CONFLICT', `A ${table.slice(0, -1)} with code ${row.code} already exists`, { field: 'input.code' });
}

function referencePage(table: 'campaigns' | 'appeals' | 'funds') {
  return async (_: unknown, args: { first?: number; after?: string }, ctx: Ctx) => {
    const { limit, after } = parsePage(args, 100, 20, ['uuid']);
    // Ordered by code, then id; the cursor is the id and the code is re-read from it.
    const rows = await ctx.tx((m) =>
      m.query(
        `SELECT * FROM ${table} WHERE ($1::uuid IS NULL OR (code, id) > (SELECT code, id FROM ${table} WHERE id = $1::uuid)) ORDER BY code, id LIMIT $2`,
        [after?.[0] ?? null, limit + 1],
      ),
    );
    return toConnection(rows as { id: string }[], limit, (r) => [r.id]);
  };
}

const settingsOut = (s: FundraisingSettings) => s;

export const coreResolvers: GraphQLResolverMap<Ctx> = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  SafeInt: SafeIntScalar,
  Query: {
    fundraisingAuditEvents: async (_: unknown, args: { entityId: string; first?: number; after?: string }, ctx: Ctx) => {
      const { limit, after } = parsePage(args, 100, 20, ['int']);
      const rows: AuditRow[] = await ctx.tx((m) =>
        m.query(`SELECT * FROM audit_events WHERE entity_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [args.entityId, after?.[0] ?? 0, limit + 1]),
      );
      return toConnection(
        rows.map((r) => ({
          id: String(r.id),
          actor: r.actor,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          before: r.before === null ? null : JSON.stringify(r.before),
          after: r.after === null ? null : JSON.stringify(r.after),
          traceId: r.trace_id,
          requestId: r.request_id,
          occurredAt: r.occurred_at,
        })),
        limit,
        (r) => [Number(r.id)],
      );
    },
    fundraisingSettings: (_: unknown, __: unknown, ctx: Ctx) => ctx.tx((m) => loadSettings(m)).then(settingsOut),
    campaigns: referencePage('campaigns'),
    appeals: referencePage('appeals'),
    funds: referencePage('funds'),
  },
  Mutation: {
    updateFundraisingSettings: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId, actor } = cmd(ctx);
        await idempotent(m, tenantId, 'updateFundraisingSettings', input, async () => {
          const before = await loadSettings(m);
          const next = { ...before };
          if (input.householdsEnabled != null) next.householdsEnabled = Boolean(input.householdsEnabled);
          if (input.fiscalYearStartMonth != null) {
            const v = input.fiscalYearStartMonth as number;
            if (!Number.isInteger(v) || v < 1 || v > 12) throw badInput('input.fiscalYearStartMonth', 'fiscalYearStartMonth must be a month number from 1 to 12');
            next.fiscalYearStartMonth = v;
          }
          if (input.lapseAfterMissedInstalments != null) {
            const v = input.lapseAfterMissedInstalments as number;
            if (!Number.isInteger(v) || v < 1 || v > 24) throw badInput('input.lapseAfterMissedInstalments', 'lapseAfterMissedInstalments must be from 1 to 24');
            next.lapseAfterMissedInstalments = v;
          }
          if (input.defaultCurrency != null) {
            if (typeof input.defaultCurrency !== 'string' || !/^[A-Z]{3}$/.test(input.defaultCurrency)) throw badInput('input.defaultCurrency', 'defaultCurrency must be an ISO 4217 code such as GBP');
            next.defaultCurrency = input.defaultCurrency;
          }
          await m.query(
            `INSERT INTO fundraising_settings (tenant_id, households_enabled, fiscal_year_start_month, lapse_after_missed_instalments, default_currency, updated_at)
             VALUES ($1, $2, $3, $4, $5, now())
             ON CONFLICT (tenant_id) DO UPDATE SET households_enabled = $2, fiscal_year_start_month = $3, lapse_after_missed_instalments = $4, default_currency = $5, updated_at = now()`,
            [tenantId, next.householdsEnabled, next.fiscalYearStartMonth, next.lapseAfterMissedInstalments, next.defaultCurrency],
          );
          // Fiscal-year buckets depend on the start month: rebuild them in the same transaction.
          if (next.fiscalYearStartMonth !== before.fiscalYearStartMonth) await recomputeAllRollups(m, tenantId);
          await writeAudit(m, { tenantId, actor, action: 'settings.updated', entityType: 'FundraisingSettings', entityId: tenantId, before, after: next });
          return true;
        });
        return { settings: await loadSettings(m) };
      }),
    createCampaign: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId } = cmd(ctx);
        const id = await idempotent(m, tenantId, 'createCampaign', input, async () => {
          const id = randomUUID();
          await insertReference(m, 'campaigns', { id, tenantId, code: code('input.code', input.code), name: requiredText('input.name', input.name, 200) });
          return id;
        });
        return { campaign: (await m.query(`SELECT * FROM campaigns WHERE id = $1`, [id]))[0] };
      }),
    createAppeal: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId } = cmd(ctx);
        const id = await idempotent(m, tenantId, 'createAppeal', input, async () => {
          const id = randomUUID();
          let campaignId: string | null = null;
          if (input.campaignId != null) {
            if (!isUuid(input.campaignId) || !(await m.query(`SELECT 1 FROM campaigns WHERE id = $1`, [input.campaignId])).length) {
              throw notFound('input.campaignId', `No campaign ${String(input.campaignId)}`);
            }
            campaignId = input.campaignId;
          }
          await insertReference(m, 'appeals', { id, tenantId, campaignId, code: code('input.code', input.code), name: requiredText('input.name', input.name, 200) });
          return id;
        });
        return { appeal: (await m.query(`SELECT * FROM appeals WHERE id = $1`, [id]))[0] };
      }),
    createFund: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId } = cmd(ctx);
        const id = await idempotent(m, tenantId, 'createFund', input, async () => {
          const id = randomUUID();
          await insertReference(m, 'funds', { id, tenantId, code: code('input.code', input.code), name: requiredText('input.name', input.name, 200), restricted: Boolean(input.restricted) });
          return id;
        });
        return { fund: (await m.query(`SELECT * FROM funds WHERE id = $1`, [id]))[0] };
      }),
  },
  Appeal: {
    campaign: (a: { campaign_id: string | null }, _: unknown, ctx: Ctx) =>
      a.campaign_id ? ctx.tx((m) => m.query(`SELECT * FROM campaigns WHERE id = $1`, [a.campaign_id])).then((r) => r[0] ?? null) : null,
  },
};
