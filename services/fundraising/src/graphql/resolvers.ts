import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { DateScalar, DateTimeScalar, keysetPage, SafeIntScalar, type AuditRow, type ModulePermissions, type RequestContext } from '@commonhold/kit';
import { createAppeal, createCampaign, createFund, loadReference } from '../modules/reference';
import { updateFundraisingSettings } from '../modules/settings';
import { loadSettings, type FundraisingSettings } from '../shared/settings.store';

type Ctx = RequestContext;
const cmd = (ctx: Ctx) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });

function referencePage(table: 'campaigns' | 'appeals' | 'funds') {
  // Ordered by code, then id; the cursor is the id and the code is re-read from it.
  return (_: unknown, args: { first?: number; after?: string }, ctx: Ctx) =>
    keysetPage(args, { shape: ['uuid'], cursorOf: (r: { id: string }) => [r.id] }, ({ after, take }) =>
      ctx.tx((m) =>
        m.query(
          `SELECT * FROM ${table} WHERE ($1::uuid IS NULL OR (code, id) > (SELECT code, id FROM ${table} WHERE id = $1::uuid)) ORDER BY code, id LIMIT $2`,
          [after?.[0] ?? null, take],
        ),
      ),
    );
}

const settingsOut = (s: FundraisingSettings) => s;

/** What the core operations need (settings, reference data, the audit trail). */
export const corePermissions: ModulePermissions = {
  Query: { fundraisingAuditEvents: 'audit:read', fundraisingSettings: 'settings:read', campaigns: 'campaigns:read', appeals: 'campaigns:read', funds: 'campaigns:read' },
  Mutation: { updateFundraisingSettings: 'settings:write', createCampaign: 'campaigns:write', createAppeal: 'campaigns:write', createFund: 'campaigns:write' },
};

export const coreResolvers: GraphQLResolverMap<Ctx> = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  SafeInt: SafeIntScalar,
  Query: {
    fundraisingAuditEvents: (_: unknown, args: { entityId: string; first?: number; after?: string }, ctx: Ctx) =>
      keysetPage(args, { shape: ['int'], cursorOf: (r: { id: string }) => [Number(r.id)] }, async ({ after, take }) => {
        const rows: AuditRow[] = await ctx.tx((m) =>
          m.query(`SELECT * FROM audit_events WHERE entity_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [args.entityId, after?.[0] ?? 0, take]),
        );
        return rows.map((r) => ({
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
        }));
      }),
    fundraisingSettings: (_: unknown, __: unknown, ctx: Ctx) => ctx.tx((m) => loadSettings(m)).then(settingsOut),
    campaigns: referencePage('campaigns'),
    appeals: referencePage('appeals'),
    funds: referencePage('funds'),
  },
  Mutation: {
    updateFundraisingSettings: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        await updateFundraisingSettings(m, { ...cmd(ctx), input });
        return { settings: await loadSettings(m) };
      }),
    createCampaign: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => ({ campaign: await loadReference(m, 'campaigns', await createCampaign(m, { ...cmd(ctx), input })) })),
    createAppeal: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => ({ appeal: await loadReference(m, 'appeals', await createAppeal(m, { ...cmd(ctx), input })) })),
    createFund: (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) =>
      ctx.tx(async (m) => ({ fund: await loadReference(m, 'funds', await createFund(m, { ...cmd(ctx), input })) })),
  },
  Appeal: {
    campaign: (a: { campaign_id: string | null }, _: unknown, ctx: Ctx) =>
      a.campaign_id ? ctx.tx((m) => m.query(`SELECT * FROM campaigns WHERE id = $1`, [a.campaign_id])).then((r) => r[0] ?? null) : null,
  },
};
