import { DateScalar, DateTimeScalar, keysetPage, SafeIntScalar, type AuditRow, type RequestContext, type Resolvers } from '@commonhold/kit';

/** The caller as a command's first fields. */
export const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });

/** Scalars and the audit trail, shared by every module. */
export const coreResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  SafeInt: SafeIntScalar,
  Query: {
    collectionsAuditEvents: (_: unknown, args: { entityId: string; first?: number; after?: string }, ctx: RequestContext) => {
      return keysetPage(args, { shape: ['int'], cursorOf: (r: { id: string }) => [Number(r.id)] }, async ({ after, take }) => {
        const rows: AuditRow[] = await ctx.tx((m) =>
          m.query(`SELECT * FROM audit_events WHERE tenant_id = $1 AND entity_id = $2 AND id > $3 ORDER BY id LIMIT $4`, [ctx.principal.tenantId, args.entityId, after?.[0] ?? 0, take]),
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
      });
    },
  },
};
