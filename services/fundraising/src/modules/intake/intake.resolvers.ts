import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { byIdLoader, CREATED_AT_ID, cursorInstant, forbidden, keysetPage, money, type RequestContext } from '@commonhold/kit';
import { contactLoader } from '../contacts';
import { giftLoader } from '../gifts';
import type { AgreementRow } from './agreement';
import { loadAgreement } from './agreement.store';
import { configurePaymentProvider } from './configure-payment-provider';
import { createRecurringAgreement } from './create-recurring-agreement';
import { evaluateRecurringAgreements } from './evaluate-recurring-agreements';
import { loadEvent, type ProviderEventRow } from './inbox.store';
import { reconcileJustGiving } from './reconcile-just-giving';
import { reprocessProviderEvent } from './reprocess-provider-event';
import { LAST_DAY } from './schedule';
import { updateRecurringAgreement } from './update-recurring-agreement';

type Ctx = RequestContext;
type Input = Record<string, unknown> & { idempotencyKey: string };
const who = (ctx: Ctx) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });

const agreementLoader = (ctx: Ctx) =>
  byIdLoader<AgreementRow>(ctx, 'recurringAgreement', (m, ids) => m.query(`SELECT * FROM recurring_agreements WHERE id = ANY($1::uuid[])`, [ids]));

function agreementPage(ctx: Ctx, args: { status?: string | null; first?: number; after?: string }, contactId: string | null) {
  return keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: AgreementRow) => [cursorInstant(r.created_at), r.id] }, ({ after, take }) =>
    ctx.tx((m) =>
      m.query(
        `SELECT * FROM recurring_agreements
         WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR contact_id = $2)
           AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
         ORDER BY created_at DESC, id DESC LIMIT $5`,
        [args.status ?? null, contactId, after?.[0] ?? null, after?.[1] ?? null, take],
      ),
    ),
  );
}

const accountOut = (r: Record<string, any>) => ({
  provider: r.provider,
  environment: r.environment,
  webhookSecretSet: !!r.webhook_secret,
  apiKeySet: !!r.api_key,
  webhookId: r.webhook_id,
  clientId: r.client_id,
  accountRef: r.account_ref,
  webhookPath: `/webhooks/${String(r.provider).toLowerCase()}/${r.tenant_id}`,
  updatedAt: r.updated_at,
});

export const intakeResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    recurringAgreement: (_: unknown, { id }: { id: string }, ctx: Ctx) => agreementLoader(ctx).load(id),
    recurringAgreements: (_: unknown, args: { status?: string; first?: number; after?: string }, ctx: Ctx) => agreementPage(ctx, args, null),
    providerEvents: (_: unknown, args: { status?: string; provider?: string; first?: number; after?: string }, ctx: Ctx) =>
      keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: ProviderEventRow) => [cursorInstant(r.received_at), r.id] }, ({ after, take }) =>
        ctx.tx((m) =>
          m.query(
            `SELECT * FROM provider_events
             WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR provider = $2)
               AND ($3::timestamptz IS NULL OR (received_at, id) < ($3::timestamptz, $4::uuid))
             ORDER BY received_at DESC, id DESC LIMIT $5`,
            [args.status ?? null, args.provider ?? null, after?.[0] ?? null, after?.[1] ?? null, take],
          ),
        ),
      ),
    providerEvent: (_: unknown, { id }: { id: string }, ctx: Ctx) => ctx.tx((m) => loadEvent(m, id)),
    paymentProviderAccounts: async (_: unknown, __: unknown, ctx: Ctx) =>
      (await ctx.tx((m) => m.query(`SELECT * FROM payment_provider_accounts ORDER BY provider`))).map(accountOut),
  },

  Mutation: {
    configurePaymentProvider: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        if (!ctx.principal.roles.includes('admin')) throw forbidden('Configuring payment providers needs the admin role');
        const { provider } = await configurePaymentProvider(m, ctx.runtime.secrets, { ...who(ctx), input });
        const [row] = await m.query(`SELECT * FROM payment_provider_accounts WHERE provider = $1`, [provider]);
        return { account: accountOut(row) };
      }),

    createRecurringAgreement: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => ({ recurringAgreement: await loadAgreement(m, await createRecurringAgreement(m, ctx.runtime.registry, { ...who(ctx), input })) })),

    updateRecurringAgreement: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => ({ recurringAgreement: await loadAgreement(m, await updateRecurringAgreement(m, ctx.runtime.registry, { ...who(ctx), input })) })),

    evaluateRecurringAgreements: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx((m) => evaluateRecurringAgreements(m, ctx.runtime.registry, { ...who(ctx), input })),

    reprocessProviderEvent: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => ({ providerEvent: await loadEvent(m, await reprocessProviderEvent(m, ctx.runtime, { ...who(ctx), input })) })),

    reconcileJustGiving: (_: unknown, { input }: { input: Input }, ctx: Ctx) => ctx.tx((m) => reconcileJustGiving(m, ctx.runtime, { ...who(ctx), input })),
  },

  Contact: {
    recurringAgreements: (c: { id: string }, args: { status?: string; first?: number; after?: string }, ctx: Ctx) => agreementPage(ctx, args, c.id),
  },

  Gift: {
    recurringAgreement: (g: { recurringAgreementId?: string | null }, _: unknown, ctx: Ctx) => (g.recurringAgreementId ? agreementLoader(ctx).load(g.recurringAgreementId) : null),
  },

  RecurringAgreement: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => agreementLoader(ctx).load(ref.id),
    contact: (a: AgreementRow, _: unknown, ctx: Ctx) => contactLoader(ctx).load(a.contact_id),
    providerRef: (a: AgreementRow) => a.provider_ref,
    paymentMethod: (a: AgreementRow) => a.payment_method,
    instalmentsTotal: (a: AgreementRow) => a.instalments_total,
    installmentsTotal: (a: AgreementRow) => a.instalments_total,
    amount: (a: AgreementRow) => money(a.amount_minor, a.currency),
    dayOfMonth: (a: AgreementRow) => (a.day_of_month === LAST_DAY ? null : a.day_of_month),
    lastDayOfMonth: (a: AgreementRow) => a.day_of_month === LAST_DAY,
    startDate: (a: AgreementRow) => a.start_date,
    nextExpectedDate: (a: AgreementRow) => a.next_expected_date,
    missedCount: (a: AgreementRow) => a.missed_count,
    paidCount: (a: AgreementRow) => a.paid_count,
    lastPaidAt: (a: AgreementRow) => a.last_paid_at,
    closedAt: (a: AgreementRow) => a.closed_at,
    createdAt: (a: AgreementRow) => a.created_at,
    updatedAt: (a: AgreementRow) => a.updated_at,
  },

  ProviderEvent: {
    providerEventId: (e: ProviderEventRow) => e.provider_event_id,
    eventType: (e: ProviderEventRow) => e.event_type,
    payload: (e: ProviderEventRow) => JSON.stringify(e.payload),
    receivedAt: (e: ProviderEventRow) => e.received_at,
    processedAt: (e: ProviderEventRow) => e.processed_at,
    contact: (e: ProviderEventRow, _: unknown, ctx: Ctx) => (e.contact_id ? contactLoader(ctx).load(e.contact_id) : null),
    gift: (e: ProviderEventRow, _: unknown, ctx: Ctx) => (e.gift_id ? giftLoader(ctx).load(e.gift_id) : null),
    recurringAgreement: (e: ProviderEventRow, _: unknown, ctx: Ctx) => (e.agreement_id ? agreementLoader(ctx).load(e.agreement_id) : null),
  },
};
