// A disabled subgraph answers FEATURE_DISABLED; the rest of the graph keeps working.
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', env: { ENABLE_VOLUNTEERS: 'false' } });
});
afterAll(() => platform?.stop());

it('answers FEATURE_DISABLED from a disabled subgraph and still serves the others', async () => {
  const acme = platform.as('acme');
  const c = await acme(`mutation { createContact(input: { firstName: "Flag", lastName: "Test", idempotencyKey: "ff-1" }) { contact { id } } }`);
  expect(c.errors).toBeUndefined();
  const id = c.data.createContact.contact.id;
  const reg = await acme(`mutation($id: ID!) { registerVolunteer(input: { contactId: $id, idempotencyKey: "ff-2" }) { volunteerProfile { status } } }`, { id });
  expect(reg.errors?.[0]?.extensions?.code).toBe('FEATURE_DISABLED');
  const mixed = await acme(`query($id: ID!) { contact(id: $id) { firstName volunteerProfile { status } } }`, { id });
  expect(mixed.data?.contact.firstName).toBe('Flag');
  expect(mixed.errors?.map((e) => e.extensions?.code)).toContain('FEATURE_DISABLED');
});
