import { fakeGoCardless, fakePayPal, fixture } from '../../../../test/intake/fakes';
import { mapGoCardlessEvent } from './gocardless';
import { mapJustGivingDonation, parseJustGivingDate, justGivingEventId } from './justgiving';
import { mapPayPalEvent } from './paypal';
import { mapStripeEvent } from './stripe';
import { decimalToMinor, splitName } from './types';

describe('decimalToMinor', () => {
  it.each<[unknown, string, number]>([
    ['10.00', 'GBP', 1000],
    ['10.5', 'GBP', 1050],
    ['0.01', 'GBP', 1],
    ['8', 'GBP', 800],
    ['1500', 'JPY', 1500],
    ['10.123', 'GBP', NaN],
    ['-5.00', 'GBP', NaN],
    ['1e3', 'GBP', NaN],
    [null, 'GBP', NaN],
  ])('%s %s → %s', (value, currency, expected) => expect(decimalToMinor(value, currency)).toBe(expected));
});

describe('splitName', () => {
  it.each([
    ['Grace Hopper', { firstName: 'Grace', lastName: 'Hopper' }],
    ['Mary Ann Evans', { firstName: 'Mary Ann', lastName: 'Evans' }],
    ['Cher', { firstName: null, lastName: 'Cher' }],
    ['  ', { firstName: null, lastName: null }],
    [null, { firstName: null, lastName: null }],
  ])('%s', (name, expected) => expect(splitName(name)).toEqual(expected));
});

describe('Stripe events', () => {
  const sub = () => fixture('stripe/customer.subscription.created.json');

  it.each([
    [
      'payment_intent.succeeded → one-off payment keyed by the PaymentIntent',
      fixture('stripe/payment_intent.succeeded.json'),
      {
        kind: 'PAYMENT',
        paymentRef: 'pi_3QZk8sLkdIwHu7ix0Wq2bRtY',
        amount: { amountMinor: 2500, currency: 'GBP' },
        receivedAt: '2026-11-20T09:59:50.000Z',
        donor: { customerRef: 'cus_RBk2ZpQ7yWm1aX', email: 'Grace.Hopper@Example.org', firstName: null, lastName: null },
        agreementRef: null,
        paymentMethod: 'CARD',
      },
    ],
    [
      'charge.succeeded → the same payment (same PaymentIntent id), with the billing name',
      fixture('stripe/charge.succeeded.json'),
      {
        kind: 'PAYMENT',
        paymentRef: 'pi_3QZk8sLkdIwHu7ix0Wq2bRtY',
        amount: { amountMinor: 2500, currency: 'GBP' },
        donor: { customerRef: 'cus_RBk2ZpQ7yWm1aX', email: 'grace.hopper@example.org', firstName: 'Grace', lastName: 'Hopper' },
        agreementRef: null,
      },
    ],
    [
      'charge.refunded → cumulative refund of the PaymentIntent',
      fixture('stripe/charge.refunded.json'),
      { kind: 'REFUND', paymentRef: 'pi_3QZk8sLkdIwHu7ix0Wq2bRtY', refundRef: 're_3QZk8sLkdIwHu7ix0kL2pF5s', amount: { amountMinor: 1000, currency: 'GBP' }, reason: 'requested_by_customer' },
    ],
    [
      'invoice.paid → instalment of the subscription',
      fixture('stripe/invoice.paid.json'),
      {
        kind: 'PAYMENT',
        paymentRef: 'pi_3QZm2aLkdIwHu7ix1Vb9Kp2R',
        amount: { amountMinor: 1500, currency: 'GBP' },
        agreementRef: 'sub_1QZm2ZLkdIwHu7ixV3pR9tYb',
        donor: { customerRef: 'cus_RBm9XqL2wPz4Hc', email: 'alan.turing@example.org', firstName: 'Alan', lastName: 'Turing' },
      },
    ],
    [
      'customer.subscription.created → ACTIVE monthly agreement, quantity × unit amount, on the anchor day',
      sub(),
      {
        kind: 'AGREEMENT',
        agreementRef: 'sub_1QZm2ZLkdIwHu7ixV3pR9tYb',
        status: 'ACTIVE',
        donor: { customerRef: 'cus_RBm9XqL2wPz4Hc' },
        terms: { amount: { amountMinor: 1500, currency: 'GBP' }, period: 'MONTHLY', dayOfMonth: 20, startDate: '2026-11-20', type: 'OPEN', instalmentsTotal: null },
      },
    ],
    ['customer.subscription.updated with pause_collection → PAUSED', { ...sub(), type: 'customer.subscription.updated', data: { object: { ...sub().data.object, pause_collection: { behavior: 'void', resumes_at: null } } } }, { kind: 'AGREEMENT', status: 'PAUSED' }],
    ['customer.subscription.deleted → CLOSED', { ...sub(), type: 'customer.subscription.deleted', data: { object: { ...sub().data.object, status: 'canceled' } } }, { kind: 'AGREEMENT', status: 'CLOSED' }],
    ['an incomplete subscription is not an agreement yet', { ...sub(), data: { object: { ...sub().data.object, status: 'incomplete' } } }, { kind: 'IGNORE' }],
    ['the PaymentIntent of an invoice is ignored (the invoice records it)', { ...fixture('stripe/payment_intent.succeeded.json'), data: { object: { ...fixture('stripe/payment_intent.succeeded.json').data.object, invoice: 'in_1' } } }, { kind: 'IGNORE' }],
    ['an unused event type is ignored', { ...sub(), type: 'customer.created' }, { kind: 'IGNORE' }],
  ])('%s', (_name, event, expected) => {
    expect(mapStripeEvent(event)).toMatchObject(expected);
  });

  it('reads the subscription and PaymentIntent of an invoice in the 2025-03-31.basil shape', () => {
    const inv = fixture('stripe/invoice.paid.json');
    const o = inv.data.object;
    delete o.subscription;
    delete o.payment_intent;
    o.parent = { type: 'subscription_details', subscription_details: { subscription: 'sub_basil', metadata: {} } };
    o.payments = { object: 'list', data: [{ id: 'inpay_1', payment: { type: 'payment_intent', payment_intent: 'pi_basil' } }] };
    expect(mapStripeEvent(inv)).toMatchObject({ kind: 'PAYMENT', paymentRef: 'pi_basil', agreementRef: 'sub_basil' });
  });

  it('refuses a billing interval it cannot schedule (every 2 months)', () => {
    const s = sub();
    s.data.object.items.data[0].price.recurring.interval_count = 2;
    expect(() => mapStripeEvent(s)).toThrow(/unsupported Stripe billing interval/);
  });
});

describe('GoCardless events (resources read through the API client)', () => {
  const batch = fixture('gocardless/webhook-batch.json').events;
  it.each([
    ['mandates created → ignored (agreements follow subscriptions)', batch[0], { kind: 'IGNORE' }],
    [
      'subscriptions created → ACTIVE agreement with the mandate and the customer',
      batch[1],
      {
        kind: 'AGREEMENT',
        agreementRef: 'SB01JBW9A3Q2VD',
        mandateRef: 'MD01JBW8Z5T4RM',
        status: 'ACTIVE',
        donor: { customerRef: 'CU01JBW8YX9F3T', email: 'KATHERINE.JOHNSON@example.org', firstName: 'Katherine', lastName: 'Johnson' },
        terms: { amount: { amountMinor: 1000, currency: 'GBP' }, period: 'MONTHLY', dayOfMonth: 6, startDate: '2026-11-06', type: 'OPEN', instalmentsTotal: null },
        paymentMethod: 'DIRECT_DEBIT',
      },
    ],
    [
      'payments confirmed of a subscription → instalment',
      batch[2],
      { kind: 'PAYMENT', paymentRef: 'PM01JBX3H2N7QK', amount: { amountMinor: 1000, currency: 'GBP' }, receivedAt: '2026-11-06T00:00:00.000Z', agreementRef: 'SB01JBW9A3Q2VD', donor: {} },
    ],
    [
      'payments confirmed without a subscription → one-off gift from the mandate’s customer',
      batch[3],
      { kind: 'PAYMENT', paymentRef: 'PM01JBX7C4D9PE', amount: { amountMinor: 5000, currency: 'GBP' }, agreementRef: null, donor: { customerRef: 'CU01JBW8YX9F3T', lastName: 'Johnson' } },
    ],
    ['payments failed → ignored', { ...batch[2], action: 'failed' }, { kind: 'IGNORE' }],
    ['mandates cancelled → every agreement on it closes', { ...batch[0], action: 'cancelled' }, { kind: 'MANDATE_ENDED', mandateRef: 'MD01JBW8Z5T4RM' }],
    ['payouts → ignored', { ...batch[0], resource_type: 'payouts', action: 'paid' }, { kind: 'IGNORE' }],
  ])('%s', async (_name, event, expected) => {
    expect(await mapGoCardlessEvent(event, fakeGoCardless())).toMatchObject(expected);
  });

  it('maps a FIXED (count) yearly subscription and a company customer', async () => {
    const sub = { ...fixture('gocardless/api/subscriptions.SB01JBW9A3Q2VD.json').subscriptions, interval_unit: 'yearly', day_of_month: null, month: 'november', count: 3 };
    const customer = { ...fixture('gocardless/api/customers.CU01JBW8YX9F3T.json').customers, given_name: null, family_name: null, company_name: 'Orbit Engineering Ltd' };
    const client = fakeGoCardless({ 'subscriptions.SB01JBW9A3Q2VD': sub, 'customers.CU01JBW8YX9F3T': customer });
    expect(await mapGoCardlessEvent(batch[1], client)).toMatchObject({
      terms: { period: 'YEARLY', dayOfMonth: null, type: 'FIXED', instalmentsTotal: 3 },
      donor: { organisationName: 'Orbit Engineering Ltd', lastName: null },
    });
  });
});

describe('PayPal events (recorded payloads)', () => {
  it.each([
    [
      'PAYMENT.CAPTURE.COMPLETED → one-off payment; payer from the order',
      'PAYMENT.CAPTURE.COMPLETED',
      {
        kind: 'PAYMENT',
        paymentRef: '3C679366HH908993F',
        amount: { amountMinor: 2000, currency: 'GBP' },
        receivedAt: '2026-11-20T11:20:28Z',
        donor: { customerRef: 'QYR5Z8XDVJNXQ', email: 'ada.byron@example.org', firstName: 'Ada', lastName: 'Byron' },
        agreementRef: null,
        paymentMethod: 'PAYPAL',
      },
    ],
    ['PAYMENT.CAPTURE.REFUNDED → refund of the capture', 'PAYMENT.CAPTURE.REFUNDED', { kind: 'REFUND', paymentRef: '3C679366HH908993F', refundRef: '1JU08902781691411', amount: { amountMinor: 500, currency: 'GBP' } }],
    [
      'BILLING.SUBSCRIPTION.ACTIVATED → ACTIVE monthly agreement from the plan',
      'BILLING.SUBSCRIPTION.ACTIVATED',
      {
        kind: 'AGREEMENT',
        agreementRef: 'I-BW452GLLEP1G',
        status: 'ACTIVE',
        donor: { customerRef: '2J6QB8YJQSJRJ', email: 'mary.somerville@example.org', firstName: 'Mary', lastName: 'Somerville' },
        terms: { amount: { amountMinor: 800, currency: 'GBP' }, period: 'MONTHLY', dayOfMonth: 20, startDate: '2026-11-20', type: 'OPEN', instalmentsTotal: null },
      },
    ],
    ['BILLING.SUBSCRIPTION.CANCELLED → CLOSED', 'BILLING.SUBSCRIPTION.CANCELLED', { kind: 'AGREEMENT', agreementRef: 'I-BW452GLLEP1G', status: 'CLOSED' }],
    ['PAYMENT.SALE.COMPLETED → instalment of the subscription', 'PAYMENT.SALE.COMPLETED', { kind: 'PAYMENT', paymentRef: '9T2593855S567871T', amount: { amountMinor: 800, currency: 'GBP' }, agreementRef: 'I-BW452GLLEP1G' }],
  ])('%s', async (_name, file, expected) => {
    expect(await mapPayPalEvent(fixture(`paypal/${file}.json`), fakePayPal())).toMatchObject(expected);
  });

  it('ignores event types intake does not use', async () => {
    expect(await mapPayPalEvent({ ...fixture('paypal/PAYMENT.SALE.COMPLETED.json'), event_type: 'CUSTOMER.DISPUTE.CREATED' }, fakePayPal())).toMatchObject({ kind: 'IGNORE' });
  });
});

describe('JustGiving donations (API shape)', () => {
  const [named, anonymous, pending] = fixture('justgiving/donations.json').donations;
  it.each([
    ['an accepted donation → one-off payment', named, { kind: 'PAYMENT', paymentRef: '1166998822', amount: { amountMinor: 2500, currency: 'GBP' }, receivedAt: '2026-11-19T11:00:00.000Z', donor: { firstName: 'Florence', lastName: 'Nightingale' }, paymentMethod: 'JUSTGIVING' }],
    ['an anonymous donation → the shared anonymous donor', anonymous, { kind: 'PAYMENT', donor: { customerRef: 'anonymous' } }],
    ['a pending donation → ignored until accepted', pending, { kind: 'IGNORE' }],
    ['a refunded donation → refund', { ...named, status: 'Refunded' }, { kind: 'REFUND', paymentRef: '1166998822' }],
  ])('%s', (_name, donation, expected) => expect(mapJustGivingDonation(donation)).toMatchObject(expected));

  it('keys the inbox by donation and status, so a status change is a new event', () => {
    expect(justGivingEventId(pending)).toBe('donation-1166998824-pending');
    expect(justGivingEventId({ ...pending, status: 'Accepted' })).toBe('donation-1166998824-accepted');
  });

  it.each([
    ['/Date(1795086000000+0000)/', '2026-11-19T11:00:00.000Z'],
    ['2026-11-19T11:00:00Z', '2026-11-19T11:00:00.000Z'],
    ['yesterday', ''],
  ])('parses %s', (v, iso) => expect(parseJustGivingDate(v)).toBe(iso));
});
