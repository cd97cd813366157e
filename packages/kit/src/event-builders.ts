import type { EventPayloads, EventType } from './generated/event-payloads';
import type { NewEvent } from './outbox';

export type { EventPayloads, EventType } from './generated/event-payloads';

/** The payload type of an event type, e.g. `PayloadOf<'commonhold.fundraising.gift.recorded.v1'>`. */
export type PayloadOf<T extends EventType> = EventPayloads[T];

/** Any known event with its payload's generated type (discriminated by `type`). */
export type AnyEvent = { [T in EventType]: NewEvent<EventPayloads[T]> & { type: T } }[EventType];

/** A new event whose payload is checked against its contract's generated type at compile time. */
export function newEvent<T extends EventType>(type: T, subject: string, data: EventPayloads[T], key?: string): NewEvent<EventPayloads[T]> & { type: T } {
  return key === undefined ? { type, subject, data } : { type, subject, key, data };
}

const TYPE = /^commonhold\.([a-z][a-z0-9-]*)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v\d+$/;

/** The producing service named by an event type: `commonhold.<service>.<aggregate>.<verb>.vN`. */
export function producerOf(type: string): string {
  const service = TYPE.exec(type)?.[1];
  if (!service) throw new Error(`Event type ${type} is not commonhold.<service>.<aggregate>.<verb>.vN`);
  return service;
}

/** `commonhold.fundraising.gift-aid-claim.created.v1` → `FundraisingGiftAidClaimCreatedV1`. */
export function payloadTypeName(type: string): string {
  const [, ...rest] = type.split('.');
  return rest.map((p) => p.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')).join('');
}
