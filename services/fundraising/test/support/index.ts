// Shared support for fundraising's e2e tests: factories, idempotency keys and the GraphQL
// operations most specs use, instead of a copy in each spec file.
import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import type { TestPlatform } from '@commonhold/testing/src/platform';

/** A caller of the gateway with one tenant's token (`platform.as(tenant)`). */
export type As = ReturnType<TestPlatform['as']>;

/** A fresh idempotency key (every mutation takes one). */
export const idempotencyKey = () => `k-${randomUUID()}`;
/** A tenant id unique to this run, so specs never see each other's rows. */
export const tenantName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
export const uniqueEmail = () => `${randomUUID()}@example.org`;
export const GBP = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
/** A valid UK address (the postcode is normalised to `SW1A 2AA`). */
export const UK_ADDRESS = { houseNameOrNumber: '10', line1: 'Downing Street', city: 'London', postcode: 'sw1a2aa' };

export const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;
export const RECORD_GIFT = `mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }`;
export const REFUND_GIFT = `mutation($input: RefundGiftInput!) { refundGift(input: $input) { gift { id } } }`;

/** `createContact` input for a person; `overrides` replace any field (`email: undefined` drops it). */
export function buildContact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { firstName: 'Ada', lastName: 'Lovelace', email: uniqueEmail(), idempotencyKey: idempotencyKey(), ...overrides };
}

/** `recordGift` input: £25 received on 1 June 2026 unless overridden. */
export function buildGift(contactId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { contactId, amount: GBP(2500), receivedAt: '2026-06-01T10:00:00Z', idempotencyKey: idempotencyKey(), ...overrides };
}

/** Runs an operation and expects no GraphQL error; returns `data`. */
export async function ok<T = any>(as: As, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await as(query, variables);
  expect(r.errors).toBeUndefined();
  return r.data as T;
}

/** Creates a contact through the gateway (see `buildContact`); returns its id. */
export async function createContact(as: As, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await ok(as, CREATE_CONTACT, { input: buildContact(overrides) })).createContact.contact.id as string;
}

/** Records a gift through the gateway (see `buildGift`); returns its id. */
export async function recordGift(as: As, contactId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await ok(as, RECORD_GIFT, { input: buildGift(contactId, overrides) })).recordGift.gift.id as string;
}

/** Rows of a tenant's tables as the fundraising service sees them (RLS applies). */
export function tenantRows(platform: TestPlatform, tenant: string, sql: string, params: unknown[] = []): Promise<Record<string, any>[]> {
  return withTenant(platform.services.fundraising!.runtime.ds, tenant, (m) => m.query(sql, params)) as Promise<Record<string, any>[]>;
}
