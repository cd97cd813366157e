import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, byIdLoader, CREATED_AT_ID, cursorInstant, forbidden, idempotent, isUuid, keysetPage, money, notFound, parseMoney, writeAudit, type RequestContext } from '@commonhold/kit';
import { contactLoader, giftLoader } from '../../graphql/loaders';
import { loadSettings } from '../settings';
import { evaluateAgreements, insertAgreement, loadAgreement, scheduleOf, setStatus, updateAgreement, type AgreementPatch, type AgreementRow } from './agreements';
import { intakeDeps } from './deps';
import { loadAccount, stageEvents, type ProviderEventRow } from './inbox';
import { processProviderEvent } from './process';
import { justGivingEventId } from './providers/justgiving';
import { PROVIDERS, type Provider } from './providers/types';
import { firstDueOnOrAfter, isValidDate, LAST_DAY, toDateString, TransitionError, type Period } from './schedule';

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

/** MONTHLY day: 1-31 or "last day" (-1); other periods have none. */
function dayOf(period: Period, dayOfMonth: unknown, lastDay: unknown, startDate: string | null): number | null {
  if (period !== 'MONTHLY') {
    if (dayOfMonth != null) throw badInput('input.dayOfMonth', 'dayOfMonth is only for MONTHLY agreements');
    if (lastDay === true) throw badInput('input.lastDayOfMonth', 'lastDayOfMonth is only for MONTHLY agreements');
    return null;
  }
  if (lastDay === true) {
    if (dayOfMonth != null) throw badInput('input.dayOfMonth', 'give dayOfMonth or lastDayOfMonth, not both');
    return LAST_DAY;
  }
  if (dayOfMonth == null) return startDate ? Number(startDate.slice(8, 10)) : null;
  if (!Number.isInteger(dayOfMonth) || (dayOfMonth as number) < 1 || (dayOfMonth as number) > 31) {
    throw badInput('input.dayOfMonth', 'dayOfMonth must be from 1 to 31 (shorter months use their last day); use lastDayOfMonth for the last day');
  }
  return dayOfMonth as number;
}

const text = (field: string, v: unknown, max = 500): string | null | undefined => {
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v !== 'string' || !v.trim()) throw badInput(field, `${field.split('.').pop()} must not be blank`);
  if (v.trim().length > max) throw badInput(field, `${field.split('.').pop()} must be at most ${max} characters`);
  return v.trim();
};

/** What each provider needs configured, by input field. */
const REQUIRED: Record<Provider, [string, string][]> = {
  STRIPE: [['webhookSecret', 'the Stripe endpoint signing secret (whsec_…)']],
  GOCARDLESS: [['webhookSecret', 'the GoCardless webhook endpoint secret']],
  PAYPAL: [
    ['webhookId', 'the PayPal webhook id'],
    ['clientId', 'the PayPal REST client id'],
    ['apiKey', 'the PayPal REST client secret'],
  ],
  JUSTGIVING: [
    ['apiKey', 'the JustGiving app id'],
    ['accountRef', 'the JustGiving charity id'],
  ],
};

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

async function loadEvent(m: EntityManager, id: unknown): Promise<ProviderEventRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await m.query(`SELECT * FROM provider_events WHERE id = $1`, [id]);
  return row ?? null;
}

async function requireLiveContact(m: EntityManager, field: string, id: unknown) {
  if (!isUuid(id)) throw notFound(field, `No contact ${String(id)}`);
  const [c] = await m.query(`SELECT id, merged_into_id, erased_at FROM contacts WHERE id = $1`, [id]);
  if (!c) throw notFound(field, `No contact ${id}`);
  if (c.erased_at) throw new AppError('CONFLICT', 'This contact was erased', { field });
  if (c.merged_into_id) throw new AppError('CONFLICT', `This contact was merged into ${c.merged_into_id}`, { field });
  return c.id as string;
}

const transitionError = (err: unknown) => (err instanceof TransitionError ? new AppError('CONFLICT', err.message, { field: 'input.action' }) : err);

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
        const { tenantId, actor } = who(ctx);
        if (!ctx.principal.roles.includes('admin')) throw forbidden('Configuring payment providers needs the admin role');
        const provider = input.provider as Provider;
        if (!PROVIDERS.includes(provider)) throw badInput('input.provider', `provider must be one of ${PROVIDERS.join(', ')}`);
        await idempotent(m, tenantId, 'configurePaymentProvider', input, async () => {
          const [current] = await m.query(`SELECT * FROM payment_provider_accounts WHERE provider = $1 FOR UPDATE`, [provider]);
          const given = {
            webhookSecret: text('input.webhookSecret', input.webhookSecret),
            webhookId: text('input.webhookId', input.webhookId, 200),
            apiKey: text('input.apiKey', input.apiKey),
            clientId: text('input.clientId', input.clientId, 200),
            accountRef: text('input.accountRef', input.accountRef, 200),
          };
          if (provider === 'STRIPE' && given.webhookSecret && !given.webhookSecret.startsWith('whsec_')) {
            throw badInput('input.webhookSecret', 'a Stripe endpoint signing secret starts with whsec_');
          }
          const environment = (input.environment as string | undefined) ?? current?.environment ?? 'LIVE';
          if (environment !== 'LIVE' && environment !== 'SANDBOX') throw badInput('input.environment', 'environment must be LIVE or SANDBOX');
          const next: Record<string, string | null> = {
            webhookSecret: given.webhookSecret ?? current?.webhook_secret ?? null,
            webhookId: given.webhookId ?? current?.webhook_id ?? null,
            apiKey: given.apiKey ?? current?.api_key ?? null,
            clientId: given.clientId ?? current?.client_id ?? null,
            accountRef: given.accountRef ?? current?.account_ref ?? null,
          };
          for (const [field, what] of REQUIRED[provider]) if (!next[field]) throw badInput(`input.${field}`, `${provider} needs ${what}`);
          await m.query(
            `INSERT INTO payment_provider_accounts (tenant_id, provider, environment, webhook_secret, webhook_id, api_key, client_id, account_ref)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id, provider) DO UPDATE SET environment = $3, webhook_secret = $4, webhook_id = $5, api_key = $6, client_id = $7,
               account_ref = $8, updated_at = now()`,
            [tenantId, provider, environment, next.webhookSecret, next.webhookId, next.apiKey, next.clientId, next.accountRef],
          );
          // Secrets never reach the audit trail: only which ones changed.
          await writeAudit(m, {
            tenantId,
            actor,
            action: 'payment-provider.configured',
            entityType: 'PaymentProviderAccount',
            entityId: provider,
            after: {
              provider,
              environment,
              webhookId: next.webhookId,
              clientId: next.clientId,
              accountRef: next.accountRef,
              webhookSecretChanged: given.webhookSecret != null,
              apiKeyChanged: given.apiKey != null,
            },
          });
          return { provider };
        });
        const [row] = await m.query(`SELECT * FROM payment_provider_accounts WHERE provider = $1`, [provider]);
        return { account: accountOut(row) };
      }),

    createRecurringAgreement: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId, actor } = who(ctx);
        const id = await idempotent(m, tenantId, 'createRecurringAgreement', input, async () => {
          const amount = parseMoney('input.amount', input.amount);
          const period = input.period as Period;
          if (!['WEEKLY', 'MONTHLY', 'YEARLY', 'FIRST_AND_FIFTEENTH'].includes(period)) throw badInput('input.period', 'period must be WEEKLY, MONTHLY, YEARLY or FIRST_AND_FIFTEENTH');
          if (!isValidDate(input.startDate)) throw badInput('input.startDate', 'startDate must be a calendar date YYYY-MM-DD');
          const startDate = input.startDate;
          const dayOfMonth = dayOf(period, input.dayOfMonth, input.lastDayOfMonth, startDate);
          const type = (input.type as string | undefined) ?? 'OPEN';
          if (type !== 'OPEN' && type !== 'FIXED') throw badInput('input.type', 'type must be OPEN or FIXED');
          let installmentsTotal: number | null = null;
          if (type === 'FIXED') {
            const n = input.installmentsTotal;
            if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 1000) throw badInput('input.installmentsTotal', 'a FIXED agreement needs installmentsTotal from 1 to 1000');
            installmentsTotal = n as number;
          } else if (input.installmentsTotal != null) {
            throw badInput('input.installmentsTotal', 'installmentsTotal is only for FIXED agreements');
          }
          const paymentMethod = (input.paymentMethod as string | undefined) ?? 'STANDING_ORDER';
          if (!['CARD', 'DIRECT_DEBIT', 'STANDING_ORDER', 'PAYPAL', 'JUSTGIVING', 'OTHER'].includes(paymentMethod)) throw badInput('input.paymentMethod', 'unknown paymentMethod');
          const contactId = await requireLiveContact(m, 'input.contactId', input.contactId);
          const row = await insertAgreement(
            m,
            ctx.runtime.registry,
            tenantId,
            actor,
            {
              contactId,
              provider: 'MANUAL',
              providerRef: null,
              mandateRef: null,
              paymentMethod,
              type: type as 'OPEN' | 'FIXED',
              installmentsTotal,
              amountMinor: amount.amountMinor,
              currency: amount.currency,
              period,
              dayOfMonth,
              startDate,
              status: 'ACTIVE',
              providerEventAt: null,
            },
            toDateString(new Date()),
          );
          return row.id;
        });
        return { recurringAgreement: await loadAgreement(m, id) };
      }),

    updateRecurringAgreement: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId, actor } = who(ctx);
        const id = await idempotent(m, tenantId, 'updateRecurringAgreement', input, async () => {
          if (!isUuid(input.id)) throw notFound('input.id', `No recurring agreement ${String(input.id)}`);
          let a = await loadAgreement(m, input.id, true);
          if (!a) throw notFound('input.id', `No recurring agreement ${input.id}`);
          const action = input.action as 'PAUSE' | 'RESUME' | 'CLOSE' | null | undefined;
          if (action != null && !['PAUSE', 'RESUME', 'CLOSE'].includes(action)) throw badInput('input.action', 'action must be PAUSE, RESUME or CLOSE');
          const changesTerms = input.amount != null || input.dayOfMonth != null || input.lastDayOfMonth != null;
          if (!changesTerms && action == null) throw badInput('input', 'give an amount, a day or an action to change');
          if (changesTerms && a.provider !== 'MANUAL') {
            const field = input.amount != null ? 'input.amount' : input.dayOfMonth != null ? 'input.dayOfMonth' : 'input.lastDayOfMonth';
            throw badInput(field, `the terms of a ${a.provider} agreement are managed in ${a.provider}; change them there`);
          }
          if (changesTerms && a.status === 'CLOSED') throw new AppError('CONFLICT', 'A closed agreement cannot change', { field: 'input.id' });
          const patch: AgreementPatch = {};
          if (input.amount != null) {
            const amount = parseMoney('input.amount', input.amount);
            patch.amount_minor = amount.amountMinor;
            patch.currency = amount.currency;
          }
          if (input.dayOfMonth != null || input.lastDayOfMonth != null) {
            const lastDay = input.lastDayOfMonth === true;
            if (input.lastDayOfMonth === false && input.dayOfMonth == null) throw badInput('input.dayOfMonth', 'give the dayOfMonth that replaces the last day');
            patch.day_of_month = dayOf(a.period, input.dayOfMonth, lastDay, null);
            // The new day applies from today on.
            if (a.next_expected_date) patch.next_expected_date = firstDueOnOrAfter({ ...scheduleOf(a), dayOfMonth: patch.day_of_month }, toDateString(new Date()));
          }
          try {
            if (Object.keys(patch).length) a = await updateAgreement(m, ctx.runtime.registry, actor, a, patch);
            if (action) a = await setStatus(m, ctx.runtime.registry, actor, a, action, toDateString(new Date()));
          } catch (err) {
            throw transitionError(err);
          }
          return a.id;
        });
        return { recurringAgreement: await loadAgreement(m, id) };
      }),

    evaluateRecurringAgreements: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId, actor } = who(ctx);
        return idempotent(m, tenantId, 'evaluateRecurringAgreements', input, async () => {
          if (!isValidDate(input.asOf)) throw badInput('input.asOf', 'asOf must be a calendar date YYYY-MM-DD');
          const tomorrow = toDateString(new Date(Date.now() + 86_400_000));
          if (input.asOf > tomorrow) throw badInput('input.asOf', 'asOf must not be in the future');
          const { lapseAfterMissedInstalments } = await loadSettings(m);
          const r = await evaluateAgreements(m, ctx.runtime.registry, tenantId, actor, input.asOf, lapseAfterMissedInstalments);
          return { evaluated: r.evaluated, instalmentsApplied: r.instalmentsApplied, lapsed: r.lapsed };
        });
      }),

    reprocessProviderEvent: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId } = who(ctx);
        const id = await idempotent(m, tenantId, 'reprocessProviderEvent', input, async () => {
          const row = await loadEvent(m, input.id);
          if (!row) throw notFound('input.id', `No provider event ${String(input.id)}`);
          if (row.status === 'PROCESSED' || row.status === 'IGNORED') throw new AppError('CONFLICT', `The event is already ${row.status}; only FAILED or STAGED events are reprocessed`, { field: 'input.id' });
          const after = await processProviderEvent(m, { registry: ctx.runtime.registry, deps: intakeDeps() }, row.id);
          if (!after) throw new AppError('CONFLICT', 'The event is being processed by another request; retry', { field: 'input.id' });
          return row.id;
        });
        return { providerEvent: await loadEvent(m, id) };
      }),

    reconcileJustGiving: (_: unknown, { input }: { input: Input }, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const { tenantId } = who(ctx);
        return idempotent(m, tenantId, 'reconcileJustGiving', input, async () => {
          const since = input.since as Date;
          if (!(since instanceof Date) || Number.isNaN(since.getTime())) throw badInput('input.since', 'since must be an ISO 8601 instant');
          if (since.getTime() > Date.now()) throw badInput('input.since', 'since must not be in the future');
          const account = await loadAccount(m, 'JUSTGIVING');
          if (!account?.apiKey) throw new AppError('CONFLICT', 'JustGiving is not configured for this tenant (configurePaymentProvider)', { field: 'input' });
          const donations = await intakeDeps().justgiving(account).listDonations(since);
          const staged = await stageEvents(
            m,
            tenantId,
            'JUSTGIVING',
            donations.map((d) => ({ providerEventId: justGivingEventId(d), eventType: `donation.${String(d.status).toLowerCase()}`, payload: d })),
          );
          const counts = { fetched: donations.length, staged: staged.filter((s) => s.isNew).length, processed: 0, failed: 0, ignored: 0 };
          for (const s of staged) {
            const after = await processProviderEvent(m, { registry: ctx.runtime.registry, deps: intakeDeps() }, s.id);
            if (after?.status === 'PROCESSED') counts.processed += 1;
            else if (after?.status === 'FAILED') counts.failed += 1;
            else if (after?.status === 'IGNORED') counts.ignored += 1;
          }
          return counts;
        });
      }),
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
    installmentsTotal: (a: AgreementRow) => a.installments_total,
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
