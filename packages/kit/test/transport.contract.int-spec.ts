// One contract, two transports: everything the outbox relay and consumers rely on must hold for
// the in-process bus exactly as for a real Kafka broker.
import { randomUUID } from 'node:crypto';
import { InProcessTransport, KafkaTransport, type Transport, type TransportMessage } from '../src';
import { eventually, uniquePrefix } from '@commonhold/testing';

type Factory = () => Transport;
const factories: [string, Factory][] = [
  ['in-process', () => new InProcessTransport({ redeliveryDelayMs: 10 })],
  ['kafka', () => new KafkaTransport({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'contract-test', topicPrefix: `${uniquePrefix()}.` })],
];

const msg = (topic: string, key: string, n: number, headers: Record<string, string> = {}): TransportMessage => ({
  topic,
  key,
  value: JSON.stringify({ n }),
  headers: { 'ce_id': randomUUID(), ...headers },
});

describe.each(factories)('%s transport contract', (_name, make) => {
  let sut: Transport;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    sut = make();
    await sut.connect();
  });
  afterAll(async () => {
    for (const s of stops) await s();
    await sut.close();
  });

  const collect = async (group: string, topics: string[], onMessage?: (m: TransportMessage) => Promise<void>) => {
    const got: TransportMessage[] = [];
    const sub = await sut.subscribe(group, topics, async (m) => {
      await onMessage?.(m);
      got.push(m);
    });
    stops.push(() => sub.stop());
    return got;
  };

  it('delivers key, value and headers intact', async () => {
    const got = await collect('g-intact', ['intact']);
    await sut.publish([msg('intact', 'k1', 1, { 'ce_type': 'x.y.v1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })]);
    await eventually(async () => got.length === 1);
    expect(got[0]).toMatchObject({ topic: 'intact', key: 'k1', value: '{"n":1}' });
    expect(got[0]!.headers).toMatchObject({ 'ce_type': 'x.y.v1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  });

  it('keeps order per key', async () => {
    const got = await collect('g-order', ['order']);
    const batch: TransportMessage[] = [];
    for (let n = 0; n < 30; n++) batch.push(msg('order', `key-${n % 3}`, n));
    await sut.publish(batch.slice(0, 15));
    await sut.publish(batch.slice(15));
    await eventually(async () => got.length === 30);
    for (const key of ['key-0', 'key-1', 'key-2']) {
      const seq = got.filter((m) => m.key === key).map((m) => JSON.parse(m.value).n);
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
      expect(seq).toHaveLength(10);
    }
  });

  it('starts a new group at the earliest message', async () => {
    await sut.publish([msg('earliest', 'a', 1), msg('earliest', 'a', 2)]);
    const got = await collect('g-earliest', ['earliest']);
    await eventually(async () => got.length === 2);
    expect(got.map((m) => JSON.parse(m.value).n)).toEqual([1, 2]);
  });

  it('gives every group its own copy of each message', async () => {
    const a = await collect('g-fan-a', ['fanout']);
    const b = await collect('g-fan-b', ['fanout']);
    await sut.publish([msg('fanout', 'x', 1), msg('fanout', 'y', 2)]);
    await eventually(async () => a.length === 2 && b.length === 2);
    expect(a.map((m) => m.value).sort()).toEqual(b.map((m) => m.value).sort());
  });

  it('redelivers a message whose handler threw, then moves on (at-least-once)', async () => {
    let failures = 0;
    const got = await collect('g-redeliver', ['redeliver'], async (m) => {
      if (JSON.parse(m.value).n === 1 && failures < 2) {
        failures++;
        throw new Error('transient');
      }
    });
    await sut.publish([msg('redeliver', 'same', 1), msg('redeliver', 'same', 2)]);
    await eventually(async () => got.length === 2, { timeoutMs: 30_000 });
    expect(failures).toBe(2);
    expect(got.map((m) => JSON.parse(m.value).n)).toEqual([1, 2]);
  });

  it('hands batches of at most maxMessages in order, and the whole failed batch again', async () => {
    const batches: number[][] = [];
    let failures = 0;
    const sub = await sut.subscribeBatch(
      'g-batch',
      ['batched'],
      async (ms) => {
        const ns = ms.map((m) => JSON.parse(m.value).n as number);
        if (ns.includes(7) && failures < 1) {
          failures++;
          throw new Error('transient');
        }
        batches.push(ns);
      },
      { maxMessages: 4 },
    );
    stops.push(() => sub.stop());
    const all = Array.from({ length: 10 }, (_, n) => msg('batched', 'one-key', n));
    await sut.publish(all);
    await eventually(async () => batches.flat().includes(9), { timeoutMs: 30_000 });
    expect(failures).toBe(1);
    expect(batches.every((b) => b.length >= 1 && b.length <= 4)).toBe(true);
    expect(batches.some((b) => b.length > 1)).toBe(true);
    // In order; the failed batch came again from its first message (none of it was skipped).
    const seen = batches.flat();
    expect([...new Set(seen)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('reports lag until the group has handled the messages', async () => {
    await sut.publish([msg('lagging', 'a', 1), msg('lagging', 'b', 2), msg('lagging', 'c', 3)]);
    expect(await sut.lag('g-lag', 'lagging')).toBe(3);
    const got = await collect('g-lag', ['lagging']);
    await eventually(async () => got.length === 3);
    await eventually(async () => (await sut.lag('g-lag', 'lagging')) === 0, { timeoutMs: 20_000 });
  });

  it('reports connection state', async () => {
    expect(sut.isConnected()).toBe(true);
    const other = make();
    expect(other.isConnected()).toBe(false);
    await other.connect();
    expect(other.isConnected()).toBe(true);
    await other.close();
    expect(other.isConnected()).toBe(false);
  });
});
