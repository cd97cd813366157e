/** A message as the transport carries it: CloudEvents binary mode puts the envelope in headers. */
export interface TransportMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** A Kafka tombstone (null value; `value` is then ''): published as null again, e.g. into a DLQ. */
  tombstone?: boolean;
}

/** Whether the broker answers: `unreachableSince` is when it stopped (epoch ms), unset while it does. */
export interface TransportHealth {
  reachable: boolean;
  unreachableSince?: number;
}

export type MessageHandler = (message: TransportMessage) => Promise<void>;
/** Consecutive messages of one topic (one partition in Kafka), in order; a throw redelivers them all. */
export type BatchMessageHandler = (messages: TransportMessage[]) => Promise<void>;

export interface Subscription {
  stop(): Promise<void>;
}

/**
 * What the outbox relay and consumers need from a broker. Delivery is at-least-once and ordered per
 * key; a handler that throws gets the same message again (consumers add retries, DLQ and inbox).
 * Kafka in production, in-process in the embedded mode; one contract test suite covers both.
 */
export interface Transport {
  readonly kind: 'kafka' | 'in-process';
  connect(): Promise<void>;
  /** Resolves once every message is durably accepted (Kafka: acks from all in-sync replicas). */
  publish(messages: TransportMessage[]): Promise<void>;
  /** Resolves once the group receives messages; a new group starts at the earliest message. */
  subscribe(groupId: string, topics: string[], handler: MessageHandler): Promise<Subscription>;
  /**
   * Like `subscribe`, but hands over up to `maxMessages` consecutive messages of one topic (one
   * partition in Kafka) at a time, in order. Once the handler resolves they are all handled; when it
   * throws, the same messages come again (at-least-once, as for single messages).
   */
  subscribeBatch(groupId: string, topics: string[], handler: BatchMessageHandler, opts: { maxMessages: number }): Promise<Subscription>;
  /** Messages in `topic` not yet handled by `groupId` (consumer lag). */
  lag(groupId: string, topic: string): Promise<number>;
  isConnected(): boolean;
  /** Broker reachability as last observed (probes and publishes); readiness and metrics use it. */
  health(): TransportHealth;
  close(): Promise<void>;
}
