import { fromTransportMessage, fromTransportMessageViaSdk, MalformedEventError, toTransportMessage, toTransportMessageViaSdk, type OutboxEvent } from './envelope';
import type { TransportMessage } from './transport/transport';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function buildEvent(overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
    tenantId: 'tenant-a',
    topic: 'fundraising.gift',
    key: 'gift-1',
    type: 'commonhold.fundraising.gift.recorded.v1',
    source: 'fundraising',
    subject: 'gift-1',
    data: { giftId: 'gift-1', amount: { amountMinor: 1250, currency: 'GBP' }, tags: ['a', 'b'] },
    time: '2026-11-22T10:15:00.000Z',
    traceparent: TRACEPARENT,
    ...overrides,
  };
}

describe('toTransportMessage', () => {
  it.each([
    ['an object payload', {}],
    ['a traceparent', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }],
    ['a string payload', { data: 'hello' }],
    ['a nested payload with unicode', { data: { name: 'Zoë “quoted”', amounts: [1, 2], nested: { ok: true } } }],
  ])('encodes exactly as the CloudEvents SDK does, with %s', (_what, overrides) => {
    const event = buildEvent(overrides as Partial<OutboxEvent>);
    const sut = toTransportMessage(event);
    const sdk = toTransportMessageViaSdk(event);
    expect(sut).toEqual(sdk);
    expect(Object.keys(sut.headers).sort()).toEqual(Object.keys(sdk.headers).sort());
  });

  it('writes CloudEvents binary mode: ce_* headers, JSON value, topic and key', () => {
    const sut = toTransportMessage(buildEvent());
    expect(sut.topic).toBe('fundraising.gift');
    expect(sut.key).toBe('gift-1');
    expect(JSON.parse(sut.value)).toEqual(buildEvent().data);
    expect(sut.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: '3b241101-e2bb-4255-8caf-4136c566a962',
      ce_type: 'commonhold.fundraising.gift.recorded.v1',
      ce_source: 'fundraising',
      ce_subject: 'gift-1',
      ce_time: '2026-11-22T10:15:00.000Z',
      ce_tenantid: 'tenant-a',
      ce_datacontenttype: 'application/json',
      traceparent: TRACEPARENT,
    });
    for (const v of Object.values(sut.headers)) expect(typeof v).toBe('string');
  });

  it.each([null, undefined])('omits the traceparent header when there is none (%p)', (traceparent) => {
    expect(toTransportMessage(buildEvent({ traceparent })).headers).not.toHaveProperty('traceparent');
  });
});

describe('fromTransportMessage', () => {
  it('round-trips an outbox event', () => {
    const e = buildEvent();
    expect(fromTransportMessage(toTransportMessage(e))).toEqual({
      id: e.eventId,
      type: e.type,
      source: e.source,
      subject: e.subject,
      tenantId: e.tenantId,
      time: e.time,
      data: e.data,
      topic: e.topic,
      traceparent: TRACEPARENT,
    });
  });

  it.each<[string, unknown]>([
    ['an array', [1, 2, 3]],
    ['a number', 42],
    ['null', null],
    ['nested objects', { a: { b: { c: [true, false] } } }],
  ])('round-trips data that is %s', (_name, data) => {
    expect(fromTransportMessage(toTransportMessage(buildEvent({ data }))).data).toEqual(data);
  });

  // Regression: data was once JSON-decoded twice, so string payloads failed or changed type.
  it.each(['hello', '123'])('round-trips string data %p unchanged', (data) => {
    expect(fromTransportMessage(toTransportMessage(buildEvent({ data }))).data).toBe(data);
  });

  it('has no traceparent when the header is absent', () => {
    expect(fromTransportMessage(toTransportMessage(buildEvent({ traceparent: null }))).traceparent).toBeUndefined();
  });

  const good = () => toTransportMessage(buildEvent());
  const without = (m: TransportMessage, header: string): TransportMessage => {
    const headers = { ...m.headers };
    delete headers[header];
    return { ...m, headers };
  };

  it.each<[string, () => TransportMessage, RegExp]>([
    ['missing tenantid', () => without(good(), 'ce_tenantid'), /tenantid/],
    ['empty tenantid', () => ({ ...good(), headers: { ...good().headers, ce_tenantid: '' } }), /tenantid/],
    ['missing subject', () => without(good(), 'ce_subject'), /subject/],
    ['non-JSON data', () => ({ ...good(), value: 'not json{' }), /.+/],
    ['non-JSON data with a text content type', () => ({ ...good(), headers: { ...good().headers, 'content-type': 'text/plain' }, value: 'plain words' }), /not JSON/],
    ['no headers', () => ({ ...good(), headers: undefined as unknown as Record<string, string> }), /not a CloudEvent/],
    ['empty headers', () => ({ ...good(), headers: {} }), /not a CloudEvent/],
  ])('refuses a message with %s as MalformedEventError', (_name, make, message) => {
    const m = make();
    expect(() => fromTransportMessage(m)).toThrow(MalformedEventError);
    expect(() => fromTransportMessage(m)).toThrow(message);
  });
});

describe('fromTransportMessage against the CloudEvents SDK', () => {
  const base = () => toTransportMessage(buildEvent());
  const withHeaders = (headers: Record<string, string | undefined>): TransportMessage => {
    const m = base();
    const h: Record<string, string> = { ...m.headers };
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) delete h[k];
      else h[k] = v;
    }
    return { ...m, headers: h };
  };
  const sdk = (m: TransportMessage) => {
    try {
      return fromTransportMessageViaSdk(m);
    } catch {
      return null;
    }
  };
  const ours = (m: TransportMessage) => {
    try {
      return fromTransportMessage(m);
    } catch (err) {
      expect(err).toBeInstanceOf(MalformedEventError);
      return null;
    }
  };

  // [case, message, what ours does where it is stricter than the SDK ('refuses') or null when it agrees]
  it.each<[string, TransportMessage, 'refuses' | null]>([
    ['a good message', base(), null],
    ['a time with an offset', withHeaders({ ce_time: '2026-11-22T11:15:00+01:00' }), null],
    ['a time without fractions', withHeaders({ ce_time: '2026-11-22T10:15:00Z' }), null],
    ['no time', withHeaders({ ce_time: undefined }), null],
    ['a time that is not a date', withHeaders({ ce_time: 'yesterday' }), null],
    ['a date without a time', withHeaders({ ce_time: '2026-11-22' }), 'refuses'],
    ['no type', withHeaders({ ce_type: undefined }), 'refuses'],
    ['an empty type', withHeaders({ ce_type: '' }), 'refuses'],
    ['an empty id', withHeaders({ ce_id: '' }), null],
    ['no source', withHeaders({ ce_source: undefined }), 'refuses'],
    ['an attribute name with a dash', withHeaders({ 'ce_x-y': 'v' }), 'refuses'],
    ['an attribute name in capitals', withHeaders({ ce_Tenant: 'v' }), 'refuses'],
    ['another extension', withHeaders({ ce_region: 'eu' }), null],
    ['specversion 0.3', withHeaders({ ce_specversion: '0.3' }), 'refuses'],
    ['no tenant id', withHeaders({ ce_tenantid: undefined }), 'refuses'],
  ])('agrees with the SDK on %s, or is stricter where it says so', (_what, m, stricter) => {
    const reference = sdk(m);
    const got = ours(m);
    if (stricter === 'refuses') {
      expect(got).toBeNull();
      return;
    }
    expect(got === null).toBe(reference === null);
    if (got && reference) {
      const { time, ...rest } = reference;
      expect({ id: got.id, type: got.type, source: got.source, subject: got.subject, tenantid: got.tenantId }).toEqual(rest);
      if (m.headers.ce_time !== undefined) expect(got.time).toBe(time);
    }
  });
});
