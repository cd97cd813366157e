import type { Logger } from 'pino';
import { InProcessTransport } from './in-process.transport';
import { KafkaTransport } from './kafka.transport';
import type { Transport } from './transport';

/** Kafka when brokers are configured (distributed mode), the in-process bus otherwise (embedded). */
export function createTransport(opts: { kafkaBrokers?: string; topicPrefix?: string; clientId: string; log?: Logger }): Transport {
  if (opts.kafkaBrokers) {
    return new KafkaTransport({ brokers: opts.kafkaBrokers.split(',').map((b) => b.trim()).filter(Boolean), clientId: opts.clientId, log: opts.log, topicPrefix: opts.topicPrefix });
  }
  return new InProcessTransport();
}
