// Shared support for fundraising's e2e tests: its factories and the GraphQL operations most specs
// use, instead of a copy in each spec file (the generic helpers come from @commonhold/testing).
import { randomUUID } from 'node:crypto';
import type { TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey, ok, tenantRows as rowsOf, type As } from '@commonhold/testing/src/support';

export { idempotencyKey, ok, refused, tenantName, type As } from '@commonhold/testing/src/support';

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
  return rowsOf(platform, 'fundraising', tenant, sql, params);
}
