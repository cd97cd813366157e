import type { EntityManager } from 'typeorm';
import { AppError, parseMoney, type EventRegistry , type TenantSecrets } from '@commonhold/kit';
import { createContact } from '../contacts';
import { recordGift, refundGift } from '../gifts';
import { scheduleOf, stateOf, type AgreementRow } from './agreement';
import { applyInstalment, findByProviderRef, insertAgreement, setStatus, updateAgreement } from './agreement.store';
import type { IntakeDeps, ProviderAccount } from './deps';
import { loadAccount, updateReturning, type ProviderEventRow } from './inbox.store';
import { mapGoCardlessEvent, type GoCardlessEvent } from './providers/gocardless';
import { mapJustGivingDonation, type JustGivingDonation } from './providers/justgiving';
import { mapPayPalEvent, type PayPalEvent } from './providers/paypal';
import { mapStripeEvent, type StripeEvent } from './providers/stripe';
import { IntakeError, splitName, type Donor, type IntakeAction, type Provider } from './providers/types';
import { applyResume, isValidDate, PERIODS, toDateString } from './schedule';

export interface IntakeEnv {
  registry: EventRegistry;
  deps: IntakeDeps;
  /** Opens the provider credentials sealed at rest. */
  secrets: TenantSecrets;
  now?: () => Date;
}

interface Outcome {
  status: 'PROCESSED' | 'IGNORED';
  note?: string;
  contactId?: string | null;
  giftId?: string | null;
  agreementId?: string | null;
  paymentRef?: string | null;
  /** Refs other events may be waiting on (a payment id, a subscription id). */
  unblocks?: string[];
}

const actorOf = (provider: string) => `provider:${provider.toLowerCase()}`;

/** Reduces a stored provider event to what intake does with it (reading provider APIs when needed). */
export async function mapEvent(row: Pick<ProviderEventRow, 'provider' | 'payload'>, account: ProviderAccount | null, deps: IntakeDeps): Promise<IntakeAction> {
  const need = () => {
    if (!account) throw new IntakeError(`${row.provider} is not configured for this tenant`);
    return account;
  };
  switch (row.provider) {
    case 'STRIPE':
      return mapStripeEvent(row.payload as StripeEvent);
    case 'GOCARDLESS':
      return mapGoCardlessEvent(row.payload as GoCardlessEvent, deps.gocardless(need()));
    case 'PAYPAL':
      return mapPayPalEvent(row.payload as PayPalEvent, deps.paypal(need()));
    case 'JUSTGIVING':
      return mapJustGivingDonation(row.payload as JustGivingDonation);
  }
}

/** When the provider says an event happened (orders agreement updates). */
function occurredAt(row: ProviderEventRow): Date {
  const p = row.payload ?? {};
  const t = row.provider === 'STRIPE' ? (typeof p.created === 'number' ? p.created * 1000 : NaN) : Date.parse(p.created_at ?? p.create_time ?? '');
  return Number.isNaN(t) ? new Date(row.received_at) : new Date(t);
}

function instant(field: string, iso: string, now: Date): Date {
  const t = Date.parse(iso);
  if (!iso || Number.isNaN(t)) throw new IntakeError(`${field}: the event carries no valid date`);
  if (t > now.getTime() + 5 * 60_000) throw new IntakeError(`${field}: the date ${iso} is in the future`);
  return new Date(t);
}

function money(field: string, raw: { amountMinor: unknown; currency: unknown }) {
  const amount = parseMoney(field, raw); // amount.amountMinor: integer minor units > 0; ISO currency
  return amount;
}

/** A contact still in use: merged contacts lead to their survivor; erased ones are gone. */
async function liveContact(m: EntityManager, id: string): Promise<string | null> {
  let current = id;
  for (let hop = 0; hop < 10; hop++) {
    const [c] = await m.query(`SELECT id, merged_into_id, erased_at FROM contacts WHERE id = $1`, [current]);
    if (!c || c.erased_at) return null;
    if (!c.merged_into_id) return c.id;
    current = c.merged_into_id;
  }
  return null;
}

/**
 * The donor's contact: the one linked to the provider's customer id, else the oldest live contact
 * with the same email (case-insensitive; merged and erased contacts never match), else a new one.
 * The provider customer is (re)linked to the result.
 */
export async function matchContact(m: EntityManager, env: IntakeEnv, tenantId: string, provider: Provider, account: ProviderAccount | null, donor: Donor, key: string): Promise<string> {
  let d = donor;
  if (d.customerRef) {
    const [link] = await m.query(`SELECT contact_id FROM provider_customers WHERE provider = $1 AND customer_ref = $2`, [provider, d.customerRef]);
    const live = link ? await liveContact(m, link.contact_id) : null;
    if (live) return live;
    if (provider === 'STRIPE' && !d.email && !d.lastName && account) {
      const c = await env.deps.stripe(account).getCustomer(d.customerRef);
      d = { ...d, email: c.email, ...splitName(c.name) };
    }
  }
  let contactId: string | null = null;
  if (d.email) {
    const [c] = await m.query(
      `SELECT id FROM contacts WHERE lower(email) = lower($1) AND merged_into_id IS NULL AND erased_at IS NULL ORDER BY created_at, id LIMIT 1`,
      [d.email],
    );
    contactId = c?.id ?? null;
  }
  if (!contactId) {
    const email = d.email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(d.email) ? d.email : null;
    const input: Record<string, unknown> & { idempotencyKey: string } =
      d.organisationName && !d.lastName
        ? { kind: 'ORGANISATION', organisationName: d.organisationName.slice(0, 100), email, idempotencyKey: `intake:${key}:contact` }
        : { firstName: (d.firstName ?? 'Unknown').slice(0, 100), lastName: (d.lastName ?? 'Donor').slice(0, 100), email, idempotencyKey: `intake:${key}:contact` };
    contactId = (await createContact(m, env.registry, { tenantId, actor: actorOf(provider), input })).contactId;
  }
  if (d.customerRef) {
    await m.query(
      `INSERT INTO provider_customers (tenant_id, provider, customer_ref, contact_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, provider, customer_ref) DO UPDATE SET contact_id = EXCLUDED.contact_id`,
      [tenantId, provider, d.customerRef, contactId],
    );
  }
  return contactId;
}

async function applyPaymentAction(m: EntityManager, env: IntakeEnv, row: ProviderEventRow, account: ProviderAccount | null, a: Extract<IntakeAction, { kind: 'PAYMENT' }>): Promise<Outcome> {
  const now = env.now?.() ?? new Date();
  if (!a.paymentRef) throw new IntakeError('the event carries no payment id');
  const amount = money('amount', a.amount);
  const receivedAt = instant('receivedAt', a.receivedAt, now);
  const [existing] = await m.query(`SELECT id, contact_id, received_at FROM gifts WHERE source = $1 AND external_ref = $2`, [row.provider, a.paymentRef]);
  if (existing) {
    // The same payment seen again (a sibling event). If it now turns out to pay an agreement — e.g.
    // a Stripe PaymentIntent event that arrived before its invoice.paid — the agreement still
    // advances, once per gift.
    const agreement = a.agreementRef ? await findByProviderRef(m, row.provider, a.agreementRef) : null;
    if (agreement) await applyInstalment(m, env.registry, actorOf(row.provider), agreement, { id: existing.id, receivedAt: new Date(existing.received_at) });
    return { status: 'IGNORED', note: `payment ${a.paymentRef} is already recorded`, giftId: existing.id, contactId: existing.contact_id, agreementId: agreement?.id ?? null, paymentRef: a.paymentRef };
  }

  let agreement: AgreementRow | null = null;
  if (a.agreementRef) {
    agreement = await findByProviderRef(m, row.provider, a.agreementRef);
    if (!agreement) throw new IntakeError(`no agreement for ${a.agreementRef} yet: processed again when it arrives`, a.agreementRef);
  }
  const contactId = agreement
    ? ((await liveContact(m, agreement.contact_id)) ?? (() => {
        throw new IntakeError(`the contact of agreement ${agreement!.id} was erased`);
      })())
    : await matchContact(m, env, row.tenant_id, row.provider, account, a.donor, `${row.provider}:${row.provider_event_id}`);
  const { giftId } = await recordGift(m, env.registry, {
    tenantId: row.tenant_id,
    actor: actorOf(row.provider),
    now,
    input: {
      contactId,
      amount,
      receivedAt,
      kind: agreement ? 'RECURRING_INSTALMENT' : 'ONE_OFF',
      paymentMethod: a.paymentMethod,
      recurringAgreementId: agreement?.id ?? null,
      source: row.provider,
      externalRef: a.paymentRef,
      idempotencyKey: `intake:${row.provider}:payment:${a.paymentRef}`,
    },
  });
  if (agreement) await applyInstalment(m, env.registry, actorOf(row.provider), agreement, { id: giftId, receivedAt });
  return { status: 'PROCESSED', contactId, giftId, agreementId: agreement?.id ?? null, paymentRef: a.paymentRef, unblocks: [a.paymentRef] };
}

async function applyRefundAction(m: EntityManager, env: IntakeEnv, row: ProviderEventRow, a: Extract<IntakeAction, { kind: 'REFUND' }>): Promise<Outcome> {
  const now = env.now?.() ?? new Date();
  const [gift] = await m.query(`SELECT id, contact_id, amount_minor, refunded_minor, currency FROM gifts WHERE source = $1 AND external_ref = $2`, [row.provider, a.paymentRef]);
  if (!gift) throw new IntakeError(`no gift for payment ${a.paymentRef} yet: processed again when it arrives`, a.paymentRef);
  const refundedAt = instant('refundedAt', a.refundedAt, now);
  const amountMinor = Number(gift.amount_minor);
  const alreadyRefunded = Number(gift.refunded_minor);
  let refund: number;
  // Stripe reports the cumulative refunded amount on the charge; PayPal each refund; JustGiving the whole donation.
  if (row.provider === 'STRIPE') refund = money('amount', a.amount).amountMinor - alreadyRefunded;
  else if (row.provider === 'JUSTGIVING') refund = amountMinor - alreadyRefunded;
  else refund = money('amount', a.amount).amountMinor;
  if (refund <= 0) return { status: 'IGNORED', note: 'the refund is already recorded', giftId: gift.id, contactId: gift.contact_id };
  await refundGift(m, env.registry, {
    tenantId: row.tenant_id,
    actor: actorOf(row.provider),
    now,
    input: {
      giftId: gift.id,
      amount: { amountMinor: refund, currency: gift.currency },
      reason: a.reason ?? `${row.provider} refund ${a.refundRef}`,
      refundedAt,
      idempotencyKey: `intake:${row.provider}:refund:${a.refundRef}`,
    },
  });
  return { status: 'PROCESSED', giftId: gift.id, contactId: gift.contact_id };
}

function agreementTerms(a: Extract<IntakeAction, { kind: 'AGREEMENT' }>) {
  const t = a.terms;
  if (!t) throw new IntakeError(`agreement ${a.agreementRef} carries no amount or schedule`);
  const amount = money('terms.amount', t.amount);
  if (!PERIODS.includes(t.period)) throw new IntakeError(`terms.period: unsupported period ${t.period}`);
  if (!isValidDate(t.startDate)) throw new IntakeError(`terms.startDate: not a calendar date: ${t.startDate}`);
  return { ...t, amount };
}

async function applyAgreementAction(
  m: EntityManager,
  env: IntakeEnv,
  row: ProviderEventRow,
  account: ProviderAccount | null,
  a: Extract<IntakeAction, { kind: 'AGREEMENT' }>,
): Promise<Outcome> {
  const today = toDateString(env.now?.() ?? new Date());
  const at = occurredAt(row);
  const actor = actorOf(row.provider);
  const existing = await findByProviderRef(m, row.provider, a.agreementRef);
  if (!existing) {
    const t = agreementTerms(a);
    const contactId = await matchContact(m, env, row.tenant_id, row.provider, account, a.donor, `${row.provider}:${row.provider_event_id}`);
    const created = await insertAgreement(
      m,
      env.registry,
      row.tenant_id,
      actor,
      {
        contactId,
        provider: row.provider,
        providerRef: a.agreementRef,
        mandateRef: a.mandateRef,
        paymentMethod: a.paymentMethod,
        type: t.type,
        instalmentsTotal: t.instalmentsTotal,
        amountMinor: t.amount.amountMinor,
        currency: t.amount.currency,
        period: t.period,
        dayOfMonth: t.dayOfMonth,
        startDate: t.startDate,
        status: a.status,
        providerEventAt: at,
      },
      // The schedule starts from when the provider created it, not from when we heard of it: a
      // subscription and its first payment often arrive in the same batch days later.
      toDateString(at),
    );
    return { status: 'PROCESSED', contactId, agreementId: created.id, unblocks: [a.agreementRef] };
  }
  if (existing.provider_event_at && new Date(existing.provider_event_at).getTime() > at.getTime()) {
    return { status: 'IGNORED', note: 'older than the last update applied to this agreement', agreementId: existing.id, contactId: existing.contact_id };
  }
  let current = existing;
  if (a.terms) {
    const t = agreementTerms(a);
    current = await updateAgreement(m, env.registry, actor, current, {
      amount_minor: t.amount.amountMinor,
      currency: t.amount.currency,
      period: t.period,
      day_of_month: t.dayOfMonth,
      provider_mandate_ref: a.mandateRef ?? current.provider_mandate_ref,
      provider_event_at: at,
    });
  } else {
    current = await updateAgreement(m, env.registry, actor, current, { provider_event_at: at });
  }
  // Status: the provider pauses, resumes and closes. "Active" does not lift a LAPSED agreement
  // (only an instalment does), and nothing reopens a CLOSED one.
  if (current.status !== 'CLOSED') {
    if (a.status === 'CLOSED') current = await setStatus(m, env.registry, actor, current, 'CLOSE', today);
    else if (a.status === 'PAUSED' && current.status !== 'PAUSED') current = await setStatus(m, env.registry, actor, current, 'PAUSE', today);
    else if (a.status === 'ACTIVE' && current.status === 'PAUSED') {
      const s = applyResume(scheduleOf(current), stateOf(current), today);
      current = await updateAgreement(m, env.registry, actor, current, { status: s.status, missed_count: s.missedCount, next_expected_date: s.nextExpectedDate });
    }
  }
  return { status: 'PROCESSED', contactId: current.contact_id, agreementId: current.id, unblocks: [a.agreementRef] };
}

async function applyMandateEnded(m: EntityManager, env: IntakeEnv, row: ProviderEventRow, mandateRef: string): Promise<Outcome> {
  const today = toDateString(env.now?.() ?? new Date());
  const rows: AgreementRow[] = await m.query(
    `SELECT * FROM recurring_agreements WHERE provider = $1 AND provider_mandate_ref = $2 AND status <> 'CLOSED' ORDER BY id FOR UPDATE`,
    [row.provider, mandateRef],
  );
  for (const a of rows) await setStatus(m, env.registry, actorOf(row.provider), a, 'CLOSE', today);
  if (!rows.length) return { status: 'IGNORED', note: `no open agreement on mandate ${mandateRef}` };
  return { status: 'PROCESSED', agreementId: rows[0]!.id, contactId: rows[0]!.contact_id };
}

async function apply(m: EntityManager, env: IntakeEnv, row: ProviderEventRow): Promise<Outcome> {
  const account = await loadAccount(m, row.provider, env.secrets);
  const action = await mapEvent(row, account, env.deps);
  switch (action.kind) {
    case 'IGNORE':
      return { status: 'IGNORED', note: action.reason };
    case 'PAYMENT':
      return applyPaymentAction(m, env, row, account, action);
    case 'REFUND':
      return applyRefundAction(m, env, row, action);
    case 'AGREEMENT':
      return applyAgreementAction(m, env, row, account, action);
    case 'MANDATE_ENDED':
      return applyMandateEnded(m, env, row, action.mandateRef);
  }
}

const errorText = (err: unknown): string => {
  if (err instanceof AppError) {
    const field = (err.extensions as { field?: string }).field;
    return (field ? `${field}: ${err.message}` : err.message).slice(0, 1000);
  }
  return (err instanceof Error ? err.message : String(err)).slice(0, 1000);
};

let savepoints = 0;

/**
 * Processes one STAGED or FAILED inbox event inside the caller's tenant transaction: validate →
 * match contact → gift / agreement change. All of it runs under a savepoint: on any error it is
 * rolled back and only the event's FAILED status and error are kept. Events that were waiting for
 * what this one created (an agreement, a gift) are processed next. Returns the row after, or null
 * when the event is not processable (already done, or being processed by another request).
 */
export async function processProviderEvent(m: EntityManager, env: IntakeEnv, eventId: string, depth = 0): Promise<ProviderEventRow | null> {
  const [row]: ProviderEventRow[] = await m.query(`SELECT * FROM provider_events WHERE id = $1 AND status IN ('STAGED', 'FAILED') FOR UPDATE SKIP LOCKED`, [eventId]);
  if (!row) return null;
  const sp = `intake_${++savepoints}`;
  await m.query(`SAVEPOINT ${sp}`);
  let after: ProviderEventRow | undefined;
  try {
    const out = await apply(m, env, row);
    await m.query(`RELEASE SAVEPOINT ${sp}`);
    [after] = await updateReturning<ProviderEventRow>(
      m,
      `UPDATE provider_events SET status = $2, error = $3, contact_id = $4, gift_id = $5, agreement_id = $6, payment_ref = $7,
         waiting_ref = NULL, attempts = attempts + 1, processed_at = now() WHERE id = $1 RETURNING *`,
      [row.id, out.status, out.note ?? null, out.contactId ?? null, out.giftId ?? null, out.agreementId ?? null, out.paymentRef ?? null],
    );
    if (depth < 3) {
      for (const ref of out.unblocks ?? []) {
        const waiting: { id: string }[] = await m.query(
          `SELECT id FROM provider_events WHERE provider = $1 AND waiting_ref = $2 AND status = 'FAILED' ORDER BY received_at, id`,
          [row.provider, ref],
        );
        for (const w of waiting) await processProviderEvent(m, env, w.id, depth + 1);
      }
    }
  } catch (err) {
    await m.query(`ROLLBACK TO SAVEPOINT ${sp}`);
    [after] = await updateReturning<ProviderEventRow>(
      m,
      `UPDATE provider_events SET status = 'FAILED', error = $2, waiting_ref = $3, attempts = attempts + 1, processed_at = now() WHERE id = $1 RETURNING *`,
      [row.id, errorText(err), err instanceof IntakeError ? err.waitingRef : null],
    );
  }
  return after ?? null;
}
