// Shared support for volunteers' tests: its operations and factories (generic helpers come from
// @commonhold/testing). Volunteers learns contacts from fundraising's events, so a contact created
// through the gateway is registrable only once the projection has it.
import { eventually } from '@commonhold/testing';
import type { TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey, ok, tenantRows } from '@commonhold/testing/src/support';

export { idempotencyKey, ok, refused, tenantName, type As } from '@commonhold/testing/src/support';

export const REGISTER_VOLUNTEER = `mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteerProfile { status registeredAt } } }`;
const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;

/** A contact created in fundraising, returned once volunteers' projection has learned it. */
export async function knownContact(platform: TestPlatform, tenant: string, input: Record<string, unknown> = {}): Promise<string> {
  const d = await ok(platform.as(tenant), CREATE_CONTACT, { input: { firstName: 'Mary', lastName: 'Seacole', idempotencyKey: idempotencyKey(), ...input } });
  const id = d.createContact.contact.id as string;
  await eventually(async () => (await tenantRows(platform, 'volunteers', tenant, 'SELECT 1 FROM known_contacts WHERE contact_id = $1', [id])).length > 0);
  return id;
}
