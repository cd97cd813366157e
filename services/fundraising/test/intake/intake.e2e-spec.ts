// Provider intake end to end: real HTTP requests to the running fundraising service's webhook
// endpoints (genuinely signed Stripe payloads via the SDK's test helper, HMAC-signed GoCardless
// batches, recorded PayPal payloads with a fake verifier, JustGiving pulled through a fake client),
// then the results read back through the gateway as each tenant. Real PostgreSQL throughout.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { withTenant, type TransportMessage } from '@commonhold/kit';
import { eraseIntakeData } from '../../src/modules/intake/erase-intake-data';
import { overrideIntakeDeps } from '../../src/modules/intake/deps';
import { fakeGoCardless, fakeJustGiving, fakePayPal, fakePayPalVerifier, fakeStripe, fixture, goCardlessSignature, paypalHeaders } from './fakes';
import { CREATE_CONTACT, idempotencyKey as key } from '../support';

let platform: TestPlatform;
let acme: ReturnType<TestPlatform['as']>;
let bravo: ReturnType<TestPlatform['as']>;
let base: string;
let restore: () => void;
const gc = fakeGoCardless();
const jg = fakeJustGiving();
const verifier = fakePayPalVerifier();
const changes: { type: string; data: any }[] = [];

const SECRETS = {
  acmeStripe: 'whsec_acme_3f9c2b7d1e8a4f6b0c5d',
  bravoStripe: 'whsec_bravo_7a1e5c9f3b2d8e4a6c0f',
  acmeGoCardless: 'gc_acme_endpoint_secret_b8d3f1a9',
};

const CONFIGURE = `mutation($input: ConfigurePaymentProviderInput!) { configurePaymentProvider(input: $input) { account { provider environment webhookSecretSet apiKeySet webhookId clientId accountRef webhookPath } } }`;
const EVENTS = `query($status: ProviderEventStatus, $provider: PaymentProvider, $first: Int) { providerEvents(status: $status, provider: $provider, first: $first) { edges { node { id providerEventId eventType status error attempts contact { id email } gift { id amount { amountMinor currency } kind source externalRef netAmount { amountMinor } recurringAgreement { id } } recurringAgreement { id status } } } pageInfo { hasNextPage endCursor } } }`;
const AGREEMENT = `query($id: ID!) { recurringAgreement(id: $id) { id status provider providerRef type instalmentsTotal amount { amountMinor currency } period dayOfMonth lastDayOfMonth startDate nextExpectedDate missedCount paidCount contact { id firstName lastName email } } }`;
const CONTACT_GIFTS = `query($id: ID!) { contact(id: $id) { id email gifts(first: 50) { edges { node { id amount { amountMinor } kind source externalRef } } } recurringAgreements { edges { node { id status providerRef } } } } }`;

async function events(as = acme, vars: Record<string, unknown> = {}) {
  const out: any[] = [];
  let after: string | null = null;
  do {
    const r: any = await as(EVENTS.replace('$first: Int)', '$first: Int, $after: String)').replace('first: $first)', 'first: $first, after: $after)'), { first: 100, after, ...vars });
    expect(r.errors).toBeUndefined();
    out.push(...r.data.providerEvents.edges.map((e: any) => e.node));
    after = r.data.providerEvents.pageInfo.hasNextPage ? r.data.providerEvents.pageInfo.endCursor : null;
  } while (after);
  return out;
}
const eventBy = async (providerEventId: string, as = acme) => (await events(as)).find((e) => e.providerEventId === providerEventId);

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** Shifts every Unix timestamp in a Stripe fixture so it reads as `ageSeconds` ago. */
function recent<T>(event: T, ageSeconds = 120): T {
  const delta = Math.floor(Date.now() / 1000) - ageSeconds - 1795168800;
  const walk = (v: any): any => {
    if (typeof v === 'number' && Number.isInteger(v) && v > 1_700_000_000 && v < 2_000_000_000) return v + delta;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(event);
}

/** POSTs a Stripe event signed exactly as Stripe signs it (the SDK's own test helper). */
function stripe(tenant: string, event: unknown, secret = SECRETS.acmeStripe, opts: { timestamp?: number; header?: string | null } = {}) {
  const payload = JSON.stringify(event);
  const header = opts.header === undefined ? Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: opts.timestamp }) : opts.header;
  return post(`/webhooks/stripe/${tenant}`, payload, header === null ? {} : { 'stripe-signature': header });
}

function gocardless(tenant: string, events: unknown[], secret = SECRETS.acmeGoCardless) {
  const body = JSON.stringify({ events, meta: { webhook_id: 'WB0012XQ4M8K7R' } });
  return post(`/webhooks/gocardless/${tenant}`, body, { 'webhook-signature': goCardlessSignature(body, secret) });
}

const paypal = (tenant: string, event: unknown, sig?: string) => post(`/webhooks/paypal/${tenant}`, JSON.stringify(event), paypalHeaders(sig));

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function newContact(as = acme, input: Record<string, unknown> = {}) {
  const r = await as(CREATE_CONTACT, { input: { firstName: 'Test', lastName: 'Donor', idempotencyKey: key(), ...input } });
  expect(r.errors).toBeUndefined();
  return r.data.createContact.contact.id as string;
}

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  acme = platform.as('acme');
  bravo = platform.as('bravo');
  base = platform.services.fundraising!.url.replace(/\/graphql$/, '');
  restore = overrideIntakeDeps({
    gocardless: () => gc,
    justgiving: () => jg,
    paypal: () => fakePayPal(),
    paypalVerifier: () => verifier,
    stripe: () => fakeStripe({ cus_RBm9XqL2wPz4Hc: { email: 'alan.turing@example.org', name: 'Alan Turing' }, cus_Late: { email: 'late@example.org', name: 'Lou Late' } }),
  });
  await platform.transports[0]!.subscribe('intake-e2e.watch', ['fundraising.recurring-agreement'], async (m: TransportMessage) => {
    changes.push({ type: m.headers.ce_type!, data: JSON.parse(m.value) });
  });
  const configure = async (as: typeof acme, input: Record<string, unknown>) => {
    const r = await as(CONFIGURE, { input: { idempotencyKey: key(), ...input } });
    expect(r.errors).toBeUndefined();
  };
  await configure(acme, { provider: 'STRIPE', webhookSecret: SECRETS.acmeStripe, apiKey: 'sk_test_acme' });
  await configure(acme, { provider: 'GOCARDLESS', webhookSecret: SECRETS.acmeGoCardless, apiKey: 'sandbox_token', environment: 'SANDBOX' });
  await configure(acme, { provider: 'PAYPAL', webhookId: '1JE4291016473214C', clientId: 'AcmeClientId', apiKey: 'acme-client-secret', environment: 'SANDBOX' });
  await configure(acme, { provider: 'JUSTGIVING', apiKey: 'a1b2c3d4', accountRef: '2050' });
  await configure(bravo, { provider: 'STRIPE', webhookSecret: SECRETS.bravoStripe });
}, 120_000);

afterAll(async () => {
  restore?.();
  await platform?.stop();
});

describe('configurePaymentProvider', () => {
  it('stores the configuration and never returns or audits a secret', async () => {
    const r = await acme(`{ paymentProviderAccounts { provider environment webhookSecretSet apiKeySet webhookId clientId accountRef webhookPath } }`);
    expect(r.data.paymentProviderAccounts).toEqual([
      { provider: 'GOCARDLESS', environment: 'SANDBOX', webhookSecretSet: true, apiKeySet: true, webhookId: null, clientId: null, accountRef: null, webhookPath: '/webhooks/gocardless/acme' },
      { provider: 'JUSTGIVING', environment: 'LIVE', webhookSecretSet: false, apiKeySet: true, webhookId: null, clientId: null, accountRef: '2050', webhookPath: '/webhooks/justgiving/acme' },
      { provider: 'PAYPAL', environment: 'SANDBOX', webhookSecretSet: false, apiKeySet: true, webhookId: '1JE4291016473214C', clientId: 'AcmeClientId', accountRef: null, webhookPath: '/webhooks/paypal/acme' },
      { provider: 'STRIPE', environment: 'LIVE', webhookSecretSet: true, apiKeySet: true, webhookId: null, clientId: null, accountRef: null, webhookPath: '/webhooks/stripe/acme' },
    ]);
    const audit = await acme(`{ fundraisingAuditEvents(entityId: "STRIPE", first: 10) { edges { node { action after } } } }`);
    const text = JSON.stringify(audit.data);
    expect(text).toContain('payment-provider.configured');
    expect(text).not.toContain(SECRETS.acmeStripe);
    expect(text).not.toContain('sk_test_acme');
    // Tenants see only their own configuration.
    const other = await bravo(`{ paymentProviderAccounts { provider } }`);
    expect(other.data.paymentProviderAccounts).toEqual([{ provider: 'STRIPE' }]);
  });

  it.each([
    ['a Stripe account without its signing secret', { provider: 'GOCARDLESS' }, 'input.webhookSecret'],
    ['a Stripe secret that is not a signing secret', { provider: 'STRIPE', webhookSecret: 'sk_live_wrong' }, 'input.webhookSecret'],
    ['PayPal without a client id', { provider: 'PAYPAL', webhookId: 'WH1', apiKey: 'secret' }, 'input.clientId'],
    ['JustGiving without a charity id', { provider: 'JUSTGIVING', apiKey: 'app' }, 'input.accountRef'],
    ['a blank API key', { provider: 'STRIPE', webhookSecret: 'whsec_x', apiKey: '  ' }, 'input.apiKey'],
    ['an unknown provider', { provider: 'WORLDPAY', webhookSecret: 'x' }, 'input.provider'],
  ])('refuses %s, naming the field and writing nothing', async (_name, input, field) => {
    const r = await bravo(CONFIGURE, { input: { idempotencyKey: key(), ...input } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect((await bravo(`{ paymentProviderAccounts { provider } }`)).data.paymentProviderAccounts).toEqual([{ provider: 'STRIPE' }]);
  });

  it('replays idempotently and refuses the key with other input', async () => {
    const k = key();
    const input = { provider: 'STRIPE', webhookSecret: SECRETS.bravoStripe, idempotencyKey: k };
    const a = await bravo(CONFIGURE, { input });
    const b = await bravo(CONFIGURE, { input });
    expect(b.data).toEqual(a.data);
    const c = await bravo(CONFIGURE, { input: { ...input, webhookSecret: 'whsec_other' } });
    expect(c.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'input.idempotencyKey' });
  });
});

describe('Stripe webhooks', () => {
  it('turns a genuinely signed payment into a gift for a new contact, and the same payment’s charge event into nothing more', async () => {
    const pi = recent(fixture('stripe/payment_intent.succeeded.json'));
    const res = await stripe('acme', pi);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, processed: 1, ignored: 0, failed: 0, duplicates: 0 });
    const ev = await eventBy(pi.id);
    expect(ev).toMatchObject({ status: 'PROCESSED', eventType: 'payment_intent.succeeded', attempts: 1 });
    expect(ev.gift).toMatchObject({ amount: { amountMinor: 2500, currency: 'GBP' }, kind: 'ONE_OFF', source: 'STRIPE', externalRef: 'pi_3QZk8sLkdIwHu7ix0Wq2bRtY' });
    expect(ev.contact.email).toBe('grace.hopper@example.org');

    const charge = await stripe('acme', recent(fixture('stripe/charge.succeeded.json')));
    expect(await charge.json()).toMatchObject({ ignored: 1 });
    const chargeEv = await eventBy('evt_3QZk8sLkdIwHu7ix0xC4vB7n');
    expect(chargeEv).toMatchObject({ status: 'IGNORED', error: 'payment pi_3QZk8sLkdIwHu7ix0Wq2bRtY is already recorded' });
    expect(chargeEv.gift.id).toBe(ev.gift.id);
    const c = await acme(CONTACT_GIFTS, { id: ev.contact.id });
    expect(c.data.contact.gifts.edges).toHaveLength(1);
  });

  it('changes nothing when the same event is delivered again (replay)', async () => {
    const event = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_replay_1' });
    event.data.object.id = 'pi_replay_1';
    Object.assign(event.data.object, { customer: null, receipt_email: 'replay@example.org' });
    const first = await stripe('acme', event);
    expect(first.status).toBe(200);
    const before = await eventBy('evt_replay_1');
    const again = await stripe('acme', event);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: 1, processed: 0, ignored: 0, failed: 0, duplicates: 1 });
    expect(await eventBy('evt_replay_1')).toEqual(before);
    const c = await acme(CONTACT_GIFTS, { id: before.contact.id });
    expect(c.data.contact.gifts.edges).toHaveLength(1);
  });

  it('matches an existing contact by email, case-insensitively', async () => {
    const contactId = await newContact(acme, { firstName: 'Edith', lastName: 'Clarke', email: 'edith.clarke@example.org' });
    const event = recent({ ...fixture('stripe/charge.succeeded.json'), id: 'evt_match_email' });
    Object.assign(event.data.object, { id: 'ch_match', payment_intent: 'pi_match', customer: 'cus_Edith', billing_details: { ...event.data.object.billing_details, email: 'Edith.CLARKE@example.org', name: 'Edith Clarke' } });
    expect((await stripe('acme', event)).status).toBe(200);
    expect((await eventBy('evt_match_email')).contact.id).toBe(contactId);
    // The provider customer is now linked: a later payment without an email lands on the same contact.
    const later = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_match_customer' });
    Object.assign(later.data.object, { id: 'pi_match_2', customer: 'cus_Edith', receipt_email: null });
    await stripe('acme', later);
    expect((await eventBy('evt_match_customer')).contact.id).toBe(contactId);
  });

  it('rejects a bad, missing or expired signature with 400, counts it, and stages nothing', async () => {
    const before = (await events()).length;
    const bad0 = await metric('webhook_rejections_total', { provider: 'stripe', reason: 'invalid_signature' });
    const event = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_forged' });
    expect((await stripe('acme', event, 'whsec_not_the_secret')).status).toBe(400);
    // Tampering after signing: the signature covers the raw bytes.
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRETS.acmeStripe });
    expect((await post('/webhooks/stripe/acme', payload.replace('2500', '9999'), { 'stripe-signature': header })).status).toBe(400);
    expect((await stripe('acme', event, SECRETS.acmeStripe, { header: null })).status).toBe(400);
    const expired = await stripe('acme', event, SECRETS.acmeStripe, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: 'expired_signature' });
    // A timestamp far in the future would stay replayable until then: refused the same way.
    const future = await stripe('acme', event, SECRETS.acmeStripe, { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    expect(future.status).toBe(400);
    expect(await future.json()).toEqual({ error: 'expired_signature' });
    expect(await metric('webhook_rejections_total', { provider: 'stripe', reason: 'invalid_signature' })).toBe(bad0 + 2);
    expect(await metric('webhook_rejections_total', { provider: 'stripe', reason: 'missing_signature' })).toBeGreaterThanOrEqual(1);
    expect(await metric('webhook_rejections_total', { provider: 'stripe', reason: 'expired_signature' })).toBeGreaterThanOrEqual(1);
    expect(await metric('webhook_processing_duration_seconds_count', { provider: 'stripe', outcome: 'rejected' })).toBeGreaterThanOrEqual(4);
    expect(await metric('webhook_processing_duration_seconds_count', { provider: 'stripe', outcome: 'processed' })).toBeGreaterThanOrEqual(1);
    expect((await events()).length).toBe(before);
  });

  it('keeps tenants apart: another tenant’s secret cannot post into this one; unknown tenants and providers are 404', async () => {
    const event = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_cross_tenant' });
    expect((await stripe('acme', event, SECRETS.bravoStripe)).status).toBe(400);
    expect(await eventBy('evt_cross_tenant')).toBeUndefined();
    expect(await eventBy('evt_cross_tenant', bravo)).toBeUndefined();
    expect((await stripe('no-such-tenant', event)).status).toBe(404);
    expect((await stripe('bad tenant!', event)).status).toBe(404);
    expect((await gocardless('bravo', [])).status).toBe(404); // bravo has no GoCardless account
    // A genuine bravo event lands in bravo only.
    const own = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_bravo_own' });
    own.data.object.id = 'pi_bravo_own';
    expect((await stripe('bravo', own, SECRETS.bravoStripe)).status).toBe(200);
    expect(await eventBy('evt_bravo_own', bravo)).toMatchObject({ status: 'PROCESSED' });
    expect(await eventBy('evt_bravo_own')).toBeUndefined();
    const id = (await eventBy('evt_bravo_own', bravo)).id;
    expect((await acme(`query($id: ID!) { providerEvent(id: $id) { id } }`, { id })).data.providerEvent).toBeNull();
  });

  it('runs a subscription: created → instalment (invoice.paid) → paused → cancelled, announcing each change', async () => {
    const created = recent(fixture('stripe/customer.subscription.created.json'), 600);
    expect((await stripe('acme', created)).status).toBe(200);
    const createdEv = await eventBy(created.id);
    expect(createdEv).toMatchObject({ status: 'PROCESSED', contact: { email: 'alan.turing@example.org' } }); // customer read through the Stripe API
    const agreementId = createdEv.recurringAgreement.id;
    const a0 = (await acme(AGREEMENT, { id: agreementId })).data.recurringAgreement;
    const startDate = new Date((created.data.object.start_date as number) * 1000).toISOString().slice(0, 10);
    expect(a0).toMatchObject({ status: 'ACTIVE', provider: 'STRIPE', providerRef: 'sub_1QZm2ZLkdIwHu7ixV3pR9tYb', type: 'OPEN', amount: { amountMinor: 1500, currency: 'GBP' }, period: 'MONTHLY', startDate, nextExpectedDate: startDate, paidCount: 0 });

    const paid = recent(fixture('stripe/invoice.paid.json'), 300);
    expect((await stripe('acme', paid)).status).toBe(200);
    const paidEv = await eventBy(paid.id);
    expect(paidEv.gift).toMatchObject({ kind: 'RECURRING_INSTALMENT', amount: { amountMinor: 1500 }, recurringAgreement: { id: agreementId } });
    const a1 = (await acme(AGREEMENT, { id: agreementId })).data.recurringAgreement;
    expect(a1).toMatchObject({ status: 'ACTIVE', paidCount: 1, missedCount: 0 });
    expect(a1.nextExpectedDate > startDate).toBe(true);
    // invoice.payment_succeeded for the same invoice: same payment, no second gift or instalment.
    await stripe('acme', { ...paid, id: 'evt_invoice_payment_succeeded', type: 'invoice.payment_succeeded' });
    expect((await acme(AGREEMENT, { id: agreementId })).data.recurringAgreement.paidCount).toBe(1);

    const paused = { ...created, id: 'evt_sub_paused', type: 'customer.subscription.updated', created: created.created + 60, data: { object: { ...created.data.object, pause_collection: { behavior: 'void', resumes_at: null } } } };
    await stripe('acme', paused);
    expect((await acme(AGREEMENT, { id: agreementId })).data.recurringAgreement.status).toBe('PAUSED');
    // An older event delivered late changes nothing.
    await stripe('acme', { ...created, id: 'evt_sub_stale', type: 'customer.subscription.updated' });
    expect((await eventBy('evt_sub_stale')).status).toBe('IGNORED');
    const deleted = { ...created, id: 'evt_sub_deleted', type: 'customer.subscription.deleted', created: created.created + 120, data: { object: { ...created.data.object, status: 'canceled' } } };
    await stripe('acme', deleted);
    const a2 = (await acme(AGREEMENT, { id: agreementId })).data.recurringAgreement;
    expect(a2).toMatchObject({ status: 'CLOSED', nextExpectedDate: null });

    const c = await acme(CONTACT_GIFTS, { id: a2.contact.id });
    expect(c.data.contact.recurringAgreements.edges.map((e: any) => e.node)).toEqual([{ id: agreementId, status: 'CLOSED', providerRef: 'sub_1QZm2ZLkdIwHu7ixV3pR9tYb' }]);
    const mine = await eventually(async () => {
      const list = changes.filter((e) => e.data.agreementId === agreementId).map((e) => e.data.change);
      return list.length >= 4 ? list : undefined;
    });
    expect(mine).toEqual(['CREATED', 'UPDATED', 'PAUSED', 'CLOSED']);
    expect(changes.find((e) => e.data.agreementId === agreementId)).toMatchObject({ type: 'commonhold.fundraising.recurring-agreement.changed.v1', data: { contactId: a2.contact.id, amount: { amountMinor: 1500, currency: 'GBP' }, period: 'MONTHLY' } });
  });

  it('holds an instalment that arrives before its subscription, and records it when the subscription arrives', async () => {
    const sub = recent(fixture('stripe/customer.subscription.created.json'), 600);
    Object.assign(sub, { id: 'evt_late_sub' });
    Object.assign(sub.data.object, { id: 'sub_late', customer: 'cus_Late' });
    const inv = recent(fixture('stripe/invoice.paid.json'), 300);
    Object.assign(inv, { id: 'evt_early_invoice' });
    Object.assign(inv.data.object, { id: 'in_late', subscription: 'sub_late', payment_intent: 'pi_late', customer: 'cus_Late' });
    expect(await (await stripe('acme', inv)).json()).toMatchObject({ failed: 1 });
    expect(await eventBy('evt_early_invoice')).toMatchObject({ status: 'FAILED', gift: null });
    expect((await eventBy('evt_early_invoice')).error).toMatch(/no agreement for sub_late yet/);
    await stripe('acme', sub);
    const ev = await eventBy('evt_early_invoice');
    expect(ev).toMatchObject({ status: 'PROCESSED', gift: { kind: 'RECURRING_INSTALMENT', externalRef: 'pi_late' }, contact: { email: 'late@example.org' } });
  });

  it('advances the agreement when a basil-shaped invoice.paid follows its PaymentIntent event', async () => {
    const sub = recent(fixture('stripe/customer.subscription.created.json'), 600);
    Object.assign(sub, { id: 'evt_basil_sub' });
    Object.assign(sub.data.object, { id: 'sub_basil', customer: 'cus_RBm9XqL2wPz4Hc' });
    await stripe('acme', sub);
    const pi = recent(fixture('stripe/payment_intent.succeeded.json'), 400);
    Object.assign(pi, { id: 'evt_basil_pi' });
    Object.assign(pi.data.object, { id: 'pi_basil', customer: 'cus_RBm9XqL2wPz4Hc', amount: 1500, amount_received: 1500 });
    delete pi.data.object.invoice; // basil: a PaymentIntent no longer names its invoice
    await stripe('acme', pi);
    const inv = recent(fixture('stripe/invoice.paid.json'), 300);
    Object.assign(inv, { id: 'evt_basil_invoice' });
    const o = inv.data.object;
    delete o.subscription;
    delete o.payment_intent;
    Object.assign(o, { id: 'in_basil', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_basil' } }, payments: { object: 'list', data: [{ payment: { type: 'payment_intent', payment_intent: 'pi_basil' } }] } });
    await stripe('acme', inv);
    const ev = await eventBy('evt_basil_invoice');
    expect(ev).toMatchObject({ status: 'IGNORED', gift: { externalRef: 'pi_basil' }, recurringAgreement: { status: 'ACTIVE' } });
    expect((await acme(AGREEMENT, { id: ev.recurringAgreement.id })).data.recurringAgreement.paidCount).toBe(1);
  });

  it('refunds a gift from charge.refunded (cumulative amount), once', async () => {
    // Refunded an hour after the payment: shifted so the refund happened a few seconds ago.
    const refunded = recent(fixture('stripe/charge.refunded.json'), 3610);
    expect((await stripe('acme', refunded)).status).toBe(200);
    const ev = await eventBy(refunded.id);
    expect(ev).toMatchObject({ status: 'PROCESSED', gift: { externalRef: 'pi_3QZk8sLkdIwHu7ix0Wq2bRtY', netAmount: { amountMinor: 1500 } } });
    // The same cumulative amount reported again (another event id) refunds nothing more.
    await stripe('acme', { ...refunded, id: 'evt_refund_again' });
    expect(await eventBy('evt_refund_again')).toMatchObject({ status: 'IGNORED', gift: { netAmount: { amountMinor: 1500 } } });
  });

  it('erases the raw payloads and customer links of an erased contact (for the contacts module’s erasure)', async () => {
    const event = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_to_erase' });
    Object.assign(event.data.object, { id: 'pi_to_erase', customer: 'cus_ToErase', receipt_email: 'erase.me@example.org' });
    await stripe('acme', event);
    const ev = await eventBy('evt_to_erase');
    await withTenant(platform.services.fundraising!.runtime.ds, 'acme', (m) => eraseIntakeData(m, ev.contact.id));
    const r = await acme(`query($id: ID!) { providerEvent(id: $id) { payload } }`, { id: ev.id });
    expect(JSON.parse(r.data.providerEvent.payload)).toEqual({ erased: true, id: 'evt_to_erase' });
    // The customer id no longer leads to the contact: a later payment looks the customer up afresh.
    const later = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_after_erase' });
    Object.assign(later.data.object, { id: 'pi_after_erase', customer: 'cus_ToErase', receipt_email: 'new.address@example.org' });
    await stripe('acme', later);
    const after = await eventBy('evt_after_erase');
    expect(after).toMatchObject({ status: 'PROCESSED', contact: { email: 'new.address@example.org' } });
    expect(after.contact.id).not.toBe(ev.contact.id);
  });

  it('fails an invalid payment (zero amount) with the field named, writing nothing but the event', async () => {
    const event = recent({ ...fixture('stripe/payment_intent.succeeded.json'), id: 'evt_zero' });
    Object.assign(event.data.object, { id: 'pi_zero', amount: 0, amount_received: 0, receipt_email: 'zero@example.org' });
    expect(await (await stripe('acme', event)).json()).toMatchObject({ failed: 1 });
    const ev = await eventBy('evt_zero');
    expect(ev).toMatchObject({ status: 'FAILED', error: 'amount.amountMinor: amountMinor must be greater than zero', contact: null, gift: null });
    expect((await acme(`{ contacts(first: 100) { edges { node { email } } } }`)).data.contacts.edges.map((e: any) => e.node.email)).not.toContain('zero@example.org');
  });
});

describe('GoCardless webhooks', () => {
  const batch = () => fixture('gocardless/webhook-batch.json').events;

  it('processes a signed batch mixing mandates, subscriptions and payments', async () => {
    const res = await gocardless('acme', batch());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 4, processed: 3, ignored: 1, failed: 0, duplicates: 0 });
    expect(await eventBy('EV01JBW9A4K8PF')).toMatchObject({ status: 'IGNORED', eventType: 'mandates.created' });
    const sub = await eventBy('EV01JBW9A5M2TX');
    expect(sub).toMatchObject({ status: 'PROCESSED', contact: { email: 'katherine.johnson@example.org' } });
    const agreement = (await acme(AGREEMENT, { id: sub.recurringAgreement.id })).data.recurringAgreement;
    expect(agreement).toMatchObject({ provider: 'GOCARDLESS', providerRef: 'SB01JBW9A3Q2VD', amount: { amountMinor: 1000 }, period: 'MONTHLY', dayOfMonth: 6, startDate: '2026-11-06', paidCount: 1, nextExpectedDate: '2026-12-06', status: 'ACTIVE' });
    expect(await eventBy('EV01JBX3H6R1WC')).toMatchObject({ status: 'PROCESSED', gift: { kind: 'RECURRING_INSTALMENT', amount: { amountMinor: 1000 }, source: 'GOCARDLESS', externalRef: 'PM01JBX3H2N7QK' } });
    const oneOff = await eventBy('EV01JBX7C8H3ZN');
    expect(oneOff).toMatchObject({ status: 'PROCESSED', gift: { kind: 'ONE_OFF', amount: { amountMinor: 5000 } } });
    expect(oneOff.contact.id).toBe(sub.contact.id); // the same GoCardless customer → the same contact

    const again = await gocardless('acme', batch());
    expect(await again.json()).toEqual({ received: 4, processed: 0, ignored: 0, failed: 0, duplicates: 4 });
    expect((await acme(AGREEMENT, { id: sub.recurringAgreement.id })).data.recurringAgreement.paidCount).toBe(1);
  });

  it('answers 498 to a bad signature, counts it and stages nothing', async () => {
    const before = (await events()).length;
    const n0 = await metric('webhook_rejections_total', { provider: 'gocardless', reason: 'invalid_signature' });
    const evs = [{ ...batch()[3], id: 'EV_FORGED_1' }];
    const res = await gocardless('acme', evs, 'not-the-endpoint-secret');
    expect(res.status).toBe(498);
    const body = JSON.stringify({ events: evs });
    expect((await post('/webhooks/gocardless/acme', body)).status).toBe(498); // no Webhook-Signature
    expect(await metric('webhook_rejections_total', { provider: 'gocardless', reason: 'invalid_signature' })).toBe(n0 + 1);
    expect((await events()).length).toBe(before);
  });

  it('refuses a batch of more than 250 events with 400, staging none of them', async () => {
    const many = Array.from({ length: 251 }, (_, i) => ({ ...batch()[0], id: `EV_BULK_${i}` }));
    const res = await gocardless('acme', many);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'batch_too_large' });
    expect(await eventBy('EV_BULK_0')).toBeUndefined();
    const ok = await gocardless('acme', many.slice(0, 250));
    expect(await ok.json()).toMatchObject({ received: 250, ignored: 250 });
  });

  it('keeps a payment whose API lookup fails as FAILED, and reprocesses it on request', async () => {
    const event = { ...batch()[3], id: 'EV_MISSING_PAYMENT', links: { payment: 'PM_NOT_YET', mandate: 'MD01JBW8Z5T4RM', customer: 'CU01JBW8YX9F3T' } };
    expect(await (await gocardless('acme', [event])).json()).toMatchObject({ failed: 1 });
    const failed = await eventBy('EV_MISSING_PAYMENT');
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Resource not found', gift: null });
    const listed = await events(acme, { status: 'FAILED', provider: 'GOCARDLESS' });
    expect(listed.map((e) => e.providerEventId)).toContain('EV_MISSING_PAYMENT');

    const REPROCESS = `mutation($input: ReprocessProviderEventInput!) { reprocessProviderEvent(input: $input) { providerEvent { id status attempts gift { amount { amountMinor } } } } }`;
    // Another tenant's event id is NOT_FOUND; bad input names the field.
    expect((await bravo(REPROCESS, { input: { id: failed.id, idempotencyKey: key() } })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    expect((await acme(REPROCESS, { input: { id: 'nope', idempotencyKey: key() } })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    // Still missing at GoCardless: fails again.
    expect((await acme(REPROCESS, { input: { id: failed.id, idempotencyKey: key() } })).data.reprocessProviderEvent.providerEvent).toMatchObject({ status: 'FAILED', attempts: 2 });
    const payment = { ...fixture('gocardless/api/payments.PM01JBX7C4D9PE.json').payments, id: 'PM_NOT_YET', amount: 1234 };
    const restoreGc = overrideIntakeDeps({ gocardless: () => fakeGoCardless({ 'payments.PM_NOT_YET': payment }) });
    try {
      const k = key();
      const r = await acme(REPROCESS, { input: { id: failed.id, idempotencyKey: k } });
      expect(r.data.reprocessProviderEvent.providerEvent).toMatchObject({ status: 'PROCESSED', attempts: 3, gift: { amount: { amountMinor: 1234 } } });
      expect((await acme(REPROCESS, { input: { id: failed.id, idempotencyKey: k } })).data).toEqual(r.data); // replay
      const done = await acme(REPROCESS, { input: { id: failed.id, idempotencyKey: key() } });
      expect(done.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.id' });
    } finally {
      restoreGc();
    }
  });

  it('closes every agreement of a cancelled mandate', async () => {
    await gocardless('acme', [{ ...batch()[0], id: 'EV_MANDATE_CANCELLED', action: 'cancelled', created_at: new Date().toISOString() }]);
    const ev = await eventBy('EV_MANDATE_CANCELLED');
    expect(ev).toMatchObject({ status: 'PROCESSED', recurringAgreement: { status: 'CLOSED' } });
  });
});

describe('PayPal webhooks (recorded payloads, fake verifier)', () => {
  it('records a verified capture for the payer of its order', async () => {
    const res = await paypal('acme', fixture('paypal/PAYMENT.CAPTURE.COMPLETED.json'));
    expect(res.status).toBe(200);
    expect(verifier.calls.at(-1)).toEqual({ webhookId: '1JE4291016473214C', transmissionId: '69cd13f0-d67a-11e5-baa3-778b53f4ae55' });
    expect(await eventBy('WH-2WR32451HC0233532-67976317FL4543714')).toMatchObject({
      status: 'PROCESSED',
      contact: { email: 'ada.byron@example.org' },
      gift: { amount: { amountMinor: 2000, currency: 'GBP' }, source: 'PAYPAL', externalRef: '3C679366HH908993F' },
    });
    await paypal('acme', fixture('paypal/PAYMENT.CAPTURE.REFUNDED.json'));
    expect(await eventBy('WH-1GE84257G0350133W-6RW800890C634293G')).toMatchObject({ status: 'PROCESSED', gift: { netAmount: { amountMinor: 1500 } } });
  });

  it('rejects an unverified event with 400 and stages nothing', async () => {
    const n0 = await metric('webhook_rejections_total', { provider: 'paypal', reason: 'invalid_signature' });
    const forged = { ...fixture('paypal/PAYMENT.CAPTURE.COMPLETED.json'), id: 'WH-FORGED' };
    expect((await paypal('acme', forged, 'forged-signature')).status).toBe(400);
    expect((await post('/webhooks/paypal/acme', JSON.stringify(forged))).status).toBe(400); // no transmission headers
    expect(await metric('webhook_rejections_total', { provider: 'paypal', reason: 'invalid_signature' })).toBe(n0 + 1);
    expect(await eventBy('WH-FORGED')).toBeUndefined();
  });

  it('runs a subscription: activated → sale (instalment) → cancelled', async () => {
    await paypal('acme', fixture('paypal/BILLING.SUBSCRIPTION.ACTIVATED.json'));
    const activated = await eventBy('WH-55TG7562XN2588878-8YH955435R661687G');
    expect(activated).toMatchObject({ status: 'PROCESSED', contact: { email: 'mary.somerville@example.org' } });
    await paypal('acme', fixture('paypal/PAYMENT.SALE.COMPLETED.json'));
    expect(await eventBy('WH-7Y7254563A4550640-11V2185806837105M')).toMatchObject({
      status: 'PROCESSED',
      gift: { kind: 'RECURRING_INSTALMENT', amount: { amountMinor: 800 }, recurringAgreement: { id: activated.recurringAgreement.id } },
    });
    await paypal('acme', fixture('paypal/BILLING.SUBSCRIPTION.CANCELLED.json'));
    const a = (await acme(AGREEMENT, { id: activated.recurringAgreement.id })).data.recurringAgreement;
    expect(a).toMatchObject({ provider: 'PAYPAL', providerRef: 'I-BW452GLLEP1G', status: 'CLOSED', paidCount: 1, amount: { amountMinor: 800 } });
  });
});

describe('JustGiving (pull and reconcile)', () => {
  const RECONCILE = `mutation($input: ReconcileJustGivingInput!) { reconcileJustGiving(input: $input) { fetched staged processed failed ignored } }`;

  it('treats a redirect notification as a hint: the donation is read from JustGiving, never from the request', async () => {
    const res = await post('/webhooks/justgiving/acme', JSON.stringify({ donationId: '1166998822', amount: '999999.00', donorName: 'Mallory' }));
    expect(res.status).toBe(200);
    expect(jg.calls).toContain('get 1166998822');
    expect(await eventBy('donation-1166998822-accepted')).toMatchObject({
      status: 'PROCESSED',
      gift: { amount: { amountMinor: 2500 }, source: 'JUSTGIVING', externalRef: '1166998822' },
      contact: { email: null },
    });
    expect((await post('/webhooks/justgiving/acme', JSON.stringify({ donationId: 'DROP TABLE' }))).status).toBe(400);
    expect((await post('/webhooks/justgiving/acme', JSON.stringify({ donationId: '42' }))).status).toBe(200); // unknown to JustGiving: nothing staged
    expect((await post('/webhooks/justgiving/bravo', JSON.stringify({ donationId: '1166998822' }))).status).toBe(404);
  });

  it('pulls donations since a time, once per key, and a second pull adds nothing', async () => {
    const input = { since: '2026-11-01T00:00:00Z', idempotencyKey: key() };
    const r = await acme(RECONCILE, { input });
    expect(r.errors).toBeUndefined();
    // The hinted donation is already in the inbox; the anonymous one is new; the pending one waits.
    expect(r.data.reconcileJustGiving).toEqual({ fetched: 3, staged: 2, processed: 1, failed: 0, ignored: 1 });
    expect((await acme(RECONCILE, { input })).data).toEqual(r.data);
    const again = await acme(RECONCILE, { input: { ...input, idempotencyKey: key() } });
    expect(again.data.reconcileJustGiving).toEqual({ fetched: 3, staged: 0, processed: 0, failed: 0, ignored: 0 });
    expect(await eventBy('donation-1166998823-accepted')).toMatchObject({ status: 'PROCESSED', contact: { email: null }, gift: { amount: { amountMinor: 1000 } } });
    expect(await eventBy('donation-1166998824-pending')).toMatchObject({ status: 'IGNORED', error: 'JustGiving donation status Pending' });
  });

  it.each([
    ['since in the future', { since: '2099-01-01T00:00:00Z' }, 'BAD_USER_INPUT', 'input.since'],
    ['since that is not an instant', { since: 'yesterday' }, 'BAD_USER_INPUT', 'input.since'],
  ])('refuses %s', async (_name, input, code, field) => {
    const r = await acme(RECONCILE, { input: { idempotencyKey: key(), ...input } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
  });

  it('refuses a tenant without JustGiving configured', async () => {
    const r = await bravo(RECONCILE, { input: { since: '2026-11-01T00:00:00Z', idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input' });
  });
});

describe('recurring agreements', () => {
  const CREATE = `mutation($input: CreateRecurringAgreementInput!) { createRecurringAgreement(input: $input) { recurringAgreement { id status provider type instalmentsTotal amount { amountMinor currency } period dayOfMonth lastDayOfMonth startDate nextExpectedDate missedCount paidCount contact { id } } } }`;
  const UPDATE = `mutation($input: UpdateRecurringAgreementInput!) { updateRecurringAgreement(input: $input) { recurringAgreement { id status amount { amountMinor } dayOfMonth lastDayOfMonth nextExpectedDate missedCount } } }`;
  const EVALUATE = `mutation($input: EvaluateRecurringAgreementsInput!) { evaluateRecurringAgreements(input: $input) { evaluated instalmentsApplied lapsed } }`;
  const LIST = `query($status: RecurringAgreementStatus) { recurringAgreements(status: $status, first: 100) { edges { node { id status } } } }`;
  const today = () => new Date().toISOString().slice(0, 10);
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const count = async (as = acme) => (await as(LIST, {})).data.recurringAgreements.edges.length as number;

  it('creates a standing order on the last day of the month', async () => {
    const contactId = await newContact();
    const r = await acme(CREATE, { input: { contactId, amount: { amountMinor: 1200, currency: 'GBP' }, period: 'MONTHLY', lastDayOfMonth: true, startDate: '2027-01-31', idempotencyKey: key() } });
    expect(r.errors).toBeUndefined();
    expect(r.data.createRecurringAgreement.recurringAgreement).toMatchObject({
      status: 'ACTIVE',
      provider: 'MANUAL',
      type: 'OPEN',
      amount: { amountMinor: 1200, currency: 'GBP' },
      dayOfMonth: null,
      lastDayOfMonth: true,
      startDate: '2027-01-31',
      nextExpectedDate: '2027-01-31',
      contact: { id: contactId },
    });
  });

  it('takes a FIXED agreement\'s length under either spelling (installmentsTotal is deprecated) and answers both', async () => {
    const contactId = await newContact();
    const base = { contactId, amount: { amountMinor: 500, currency: 'GBP' }, period: 'MONTHLY', startDate: '2027-01-05', type: 'FIXED' };
    const q = `mutation($input: CreateRecurringAgreementInput!) { createRecurringAgreement(input: $input) { recurringAgreement { instalmentsTotal installmentsTotal } } }`;
    for (const input of [{ ...base, instalmentsTotal: 6 }, { ...base, installmentsTotal: 6 }, { ...base, instalmentsTotal: 6, installmentsTotal: 6 }]) {
      const r = await acme(q, { input: { ...input, idempotencyKey: key() } });
      expect(r.errors).toBeUndefined();
      expect(r.data.createRecurringAgreement.recurringAgreement).toEqual({ instalmentsTotal: 6, installmentsTotal: 6 });
    }
  });

  it.each([
    ['a zero amount', { amount: { amountMinor: 0, currency: 'GBP' } }, 'BAD_USER_INPUT', 'input.amount.amountMinor'],
    ['an unknown currency', { amount: { amountMinor: 100, currency: 'XXY' } }, 'BAD_USER_INPUT', 'input.amount.currency'],
    ['day 32', { dayOfMonth: 32 }, 'BAD_USER_INPUT', 'input.dayOfMonth'],
    ['a day and the last day', { dayOfMonth: 5, lastDayOfMonth: true }, 'BAD_USER_INPUT', 'input.dayOfMonth'],
    ['a day on a weekly agreement', { period: 'WEEKLY', dayOfMonth: 5 }, 'BAD_USER_INPUT', 'input.dayOfMonth'],
    ['FIXED without instalmentsTotal', { type: 'FIXED' }, 'BAD_USER_INPUT', 'input.instalmentsTotal'],
    ['OPEN with instalmentsTotal', { instalmentsTotal: 3 }, 'BAD_USER_INPUT', 'input.instalmentsTotal'],
    ['OPEN with the deprecated installmentsTotal', { installmentsTotal: 3 }, 'BAD_USER_INPUT', 'input.installmentsTotal'],
    ['both spellings, disagreeing', { type: 'FIXED', instalmentsTotal: 3, installmentsTotal: 4 }, 'BAD_USER_INPUT', 'input.instalmentsTotal'],
    ['a date that does not exist', { startDate: '2026-02-30' }, 'BAD_USER_INPUT', 'input.startDate'],
    ['an unknown contact', { contactId: randomUUID() }, 'NOT_FOUND', 'input.contactId'],
    ['an unknown period', { period: 'FORTNIGHTLY' }, 'BAD_USER_INPUT', 'input.period'],
  ])('refuses %s, naming the field and writing nothing', async (_name, over, code, field) => {
    const contactId = await newContact();
    const before = await count();
    const r = await acme(CREATE, { input: { contactId, amount: { amountMinor: 500, currency: 'GBP' }, period: 'MONTHLY', startDate: '2027-01-05', idempotencyKey: key(), ...over } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(await count()).toBe(before);
  });

  it('replays creation idempotently', async () => {
    const contactId = await newContact();
    const input = { contactId, amount: { amountMinor: 700, currency: 'GBP' }, period: 'WEEKLY', startDate: today(), idempotencyKey: key() };
    const a = await acme(CREATE, { input });
    const b = await acme(CREATE, { input });
    expect(b.data.createRecurringAgreement.recurringAgreement.id).toBe(a.data.createRecurringAgreement.recurringAgreement.id);
    expect((await acme(CREATE, { input: { ...input, period: 'YEARLY' } })).errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('pauses, resumes, changes and closes; a closed agreement stays closed', async () => {
    const contactId = await newContact();
    const id = (await acme(CREATE, { input: { contactId, amount: { amountMinor: 500, currency: 'GBP' }, period: 'MONTHLY', dayOfMonth: 31, startDate: '2027-01-31', idempotencyKey: key() } })).data
      .createRecurringAgreement.recurringAgreement.id;
    const upd = (input: Record<string, unknown>) => acme(UPDATE, { input: { id, idempotencyKey: key(), ...input } });
    expect((await upd({ action: 'PAUSE' })).data.updateRecurringAgreement.recurringAgreement.status).toBe('PAUSED');
    expect((await upd({ action: 'RESUME' })).data.updateRecurringAgreement.recurringAgreement).toMatchObject({ status: 'ACTIVE', nextExpectedDate: '2027-01-31', missedCount: 0 });
    expect((await upd({ amount: { amountMinor: 900, currency: 'GBP' } })).data.updateRecurringAgreement.recurringAgreement.amount.amountMinor).toBe(900);
    expect((await upd({ lastDayOfMonth: true })).data.updateRecurringAgreement.recurringAgreement).toMatchObject({ lastDayOfMonth: true, dayOfMonth: null });
    expect((await upd({ dayOfMonth: 0 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dayOfMonth' });
    expect((await upd({})).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    expect((await upd({ action: 'CLOSE' })).data.updateRecurringAgreement.recurringAgreement).toMatchObject({ status: 'CLOSED', nextExpectedDate: null });
    expect((await upd({ action: 'RESUME' })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.action' });
    const audit = await acme(`query($id: ID!) { fundraisingAuditEvents(entityId: $id) { edges { node { action } } } }`, { id });
    expect(audit.data.fundraisingAuditEvents.edges.map((e: any) => e.node.action)).toEqual([
      'recurring-agreement.created',
      'recurring-agreement.paused',
      'recurring-agreement.resumed',
      'recurring-agreement.updated',
      'recurring-agreement.updated',
      'recurring-agreement.closed',
    ]);
  });

  it('refuses to change the terms of a provider agreement (the provider owns them)', async () => {
    const sub = (await eventBy('EV01JBW9A5M2TX')).recurringAgreement.id;
    const r = await acme(UPDATE, { input: { id: sub, amount: { amountMinor: 1, currency: 'GBP' }, idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
  });

  it('lapses agreements after the tenant’s number of missed instalments, and an instalment re-activates them', async () => {
    // A weekly GoCardless subscription that started 30 days ago and has collected nothing since.
    const sub = { ...fixture('gocardless/api/subscriptions.SB01JBW9A3Q2VD.json').subscriptions, id: 'SB_WEEKLY_LAPSING', interval_unit: 'weekly', day_of_month: null, start_date: daysAgo(30), amount: 300 };
    const restoreGc = overrideIntakeDeps({ gocardless: () => fakeGoCardless({ 'subscriptions.SB_WEEKLY_LAPSING': sub }) });
    try {
      const event = { ...fixture('gocardless/webhook-batch.json').events[1], id: 'EV_WEEKLY_LAPSING', created_at: new Date(Date.now() - 31 * 86_400_000).toISOString(), links: { subscription: 'SB_WEEKLY_LAPSING', mandate: 'MD01JBW8Z5T4RM', customer: 'CU01JBW8YX9F3T' } };
      expect(await (await gocardless('acme', [event])).json()).toMatchObject({ processed: 1 });
    } finally {
      restoreGc();
    }
    const id = (await eventBy('EV_WEEKLY_LAPSING')).recurringAgreement.id;
    expect((await acme(AGREEMENT, { id })).data.recurringAgreement).toMatchObject({ status: 'ACTIVE', period: 'WEEKLY', nextExpectedDate: daysAgo(30) });
    const contactId = await newContact();
    const fresh = await acme(CREATE, { input: { contactId, amount: { amountMinor: 300, currency: 'GBP' }, period: 'MONTHLY', startDate: today(), idempotencyKey: key() } });
    const freshId = fresh.data.createRecurringAgreement.recurringAgreement.id;

    const r = await acme(EVALUATE, { input: { asOf: today(), idempotencyKey: key() } });
    expect(r.errors).toBeUndefined();
    expect(r.data.evaluateRecurringAgreements.lapsed).toBeGreaterThanOrEqual(1);
    // Due 30, 23, 16 and 9 days ago are past the 5-day grace period; due 2 days ago is not.
    expect((await acme(AGREEMENT, { id })).data.recurringAgreement).toMatchObject({ status: 'LAPSED', missedCount: 4 });
    expect((await acme(AGREEMENT, { id: freshId })).data.recurringAgreement).toMatchObject({ status: 'ACTIVE', missedCount: 0 });
    expect((await acme(LIST, { status: 'LAPSED' })).data.recurringAgreements.edges.map((e: any) => e.node.id)).toContain(id);
    await eventually(async () => changes.some((e) => e.data.agreementId === id && e.data.change === 'LAPSED'));
    const audit = await acme(`query($id: ID!) { fundraisingAuditEvents(entityId: $id) { edges { node { action actor } } } }`, { id });
    expect(audit.data.fundraisingAuditEvents.edges.map((e: any) => e.node.action)).toContain('recurring-agreement.lapsed');

    // An instalment recorded by hand is folded in by the next evaluation and re-activates it.
    const agreementContact = (await acme(AGREEMENT, { id })).data.recurringAgreement.contact.id;
    const gift = await acme(`mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }`, {
      input: { contactId: agreementContact, amount: { amountMinor: 300, currency: 'GBP' }, receivedAt: new Date().toISOString(), kind: 'RECURRING_INSTALMENT', paymentMethod: 'DIRECT_DEBIT', recurringAgreementId: id, idempotencyKey: key() },
    });
    expect(gift.errors).toBeUndefined();
    const again = await acme(EVALUATE, { input: { asOf: today(), idempotencyKey: key() } });
    expect(again.data.evaluateRecurringAgreements.instalmentsApplied).toBe(1);
    expect((await acme(AGREEMENT, { id })).data.recurringAgreement).toMatchObject({ status: 'ACTIVE', paidCount: 1, missedCount: 0 });
    await eventually(async () => changes.some((e) => e.data.agreementId === id && e.data.change === 'RESUMED'));
  });

  it('refuses a future or malformed evaluation date', async () => {
    expect((await acme(EVALUATE, { input: { asOf: '2099-01-01', idempotencyKey: key() } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.asOf' });
    expect((await acme(EVALUATE, { input: { asOf: '01/02/2026', idempotencyKey: key() } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.asOf' });
  });

  it('keeps tenants apart, by id and in lists', async () => {
    const contactId = await newContact();
    const id = (await acme(CREATE, { input: { contactId, amount: { amountMinor: 500, currency: 'GBP' }, period: 'YEARLY', startDate: '2028-02-29', idempotencyKey: key() } })).data
      .createRecurringAgreement.recurringAgreement.id;
    expect((await bravo(AGREEMENT, { id })).data.recurringAgreement).toBeNull();
    expect((await bravo(LIST, {})).data.recurringAgreements.edges.map((e: any) => e.node.id)).not.toContain(id);
    expect((await bravo(UPDATE, { input: { id, action: 'CLOSE', idempotencyKey: key() } })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    expect((await bravo(CREATE, { input: { contactId, amount: { amountMinor: 500, currency: 'GBP' }, period: 'WEEKLY', startDate: today(), idempotencyKey: key() } })).errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.contactId',
    });
    expect((await events(bravo)).map((e) => e.providerEventId).filter((p) => p.startsWith('EV01'))).toEqual([]);
    expect((await acme(AGREEMENT, { id })).data.recurringAgreement.status).toBe('ACTIVE');
  });
});
