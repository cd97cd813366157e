import type { BatchMessageHandler, MessageHandler, Subscription, Transport, TransportHealth, TransportMessage } from './transport';

interface Group {
  /** Handles up to `maxMessages` consecutive messages of one topic. */
  handler: BatchMessageHandler;
  maxMessages: number;
  topics: Set<string>;
  /** Next offset to deliver, per topic. */
  offsets: Map<string, number>;
  running: boolean;
  stopped: boolean;
}

/**
 * The embedded-mode bus: an append-only log per topic held in memory, each consumer group reading
 * it in order with its own offsets. Same semantics the contract suite demands of Kafka: durable for
 * the life of the process, ordered, at-least-once (a throwing handler sees the message again).
 */
export class InProcessTransport implements Transport {
  readonly kind = 'in-process' as const;
  private readonly logs = new Map<string, TransportMessage[]>();
  private readonly groups = new Map<string, Group>();
  private connected = false;

  constructor(private readonly opts: { redeliveryDelayMs?: number } = {}) {}

  async connect(): Promise<void> {
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  health(): TransportHealth {
    return { reachable: this.connected };
  }

  async publish(messages: TransportMessage[]): Promise<void> {
    if (!this.connected) throw new Error('in-process transport is not connected');
    for (const m of messages) {
      const log = this.logs.get(m.topic) ?? [];
      log.push({ ...m, headers: { ...m.headers } });
      this.logs.set(m.topic, log);
    }
    for (const g of this.groups.values()) if (messages.some((m) => g.topics.has(m.topic))) this.pump(g);
  }

  subscribe(groupId: string, topics: string[], handler: MessageHandler): Promise<Subscription> {
    return this.subscribeBatch(groupId, topics, ([message]) => handler(message!), { maxMessages: 1 });
  }

  async subscribeBatch(groupId: string, topics: string[], handler: BatchMessageHandler, opts: { maxMessages: number }): Promise<Subscription> {
    if (this.groups.has(groupId)) throw new Error(`consumer group ${groupId} is already subscribed in this process`);
    const group: Group = { handler, maxMessages: Math.max(1, Math.floor(opts.maxMessages)), topics: new Set(topics), offsets: new Map(topics.map((t) => [t, 0])), running: false, stopped: false };
    this.groups.set(groupId, group);
    this.pump(group);
    return {
      stop: async () => {
        group.stopped = true;
        this.groups.delete(groupId);
        while (group.running) await new Promise((r) => setTimeout(r, 5));
      },
    };
  }

  async lag(groupId: string, topic: string): Promise<number> {
    const g = this.groups.get(groupId);
    const len = this.logs.get(topic)?.length ?? 0;
    return len - (g?.offsets.get(topic) ?? 0);
  }

  async close(): Promise<void> {
    for (const g of this.groups.values()) g.stopped = true;
    this.groups.clear();
    this.connected = false;
  }

  /** Delivers pending messages in order per group (up to maxMessages of one topic at a time); a failure pauses, then retries the same messages. */
  private pump(group: Group): void {
    if (group.running || group.stopped) return;
    group.running = true;
    void (async () => {
      try {
        for (;;) {
          if (group.stopped) return;
          const next = this.nextFor(group);
          if (!next) return;
          try {
            await group.handler(next.messages);
            group.offsets.set(next.topic, next.offset + next.messages.length);
          } catch {
            await new Promise((r) => setTimeout(r, this.opts.redeliveryDelayMs ?? 100));
          }
        }
      } finally {
        group.running = false;
        if (!group.stopped && this.nextFor(group)) this.pump(group);
      }
    })();
  }

  private nextFor(group: Group): { topic: string; offset: number; messages: TransportMessage[] } | undefined {
    for (const topic of group.topics) {
      const offset = group.offsets.get(topic) ?? 0;
      const log = this.logs.get(topic);
      if (log && offset < log.length) {
        return { topic, offset, messages: log.slice(offset, offset + group.maxMessages).map((m) => ({ ...m, headers: { ...m.headers } })) };
      }
    }
    return undefined;
  }
}
