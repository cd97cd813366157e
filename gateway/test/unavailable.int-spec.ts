// A subgraph the gateway cannot reach answers SERVICE_UNAVAILABLE (retryable) on the paths it would
// have filled: HTTP 503 with Retry-After when no data could be answered, 200 with partial data
// otherwise (issue 10, item 5). Real platform (in-process bus, real PostgreSQL); volunteers is
// either never started (routed to a closed port) or stopped mid-run.
import { randomBytes, randomUUID } from 'node:crypto';
import { ERROR_CODES } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

const tenant = () => `un-${randomBytes(4).toString('hex')}`;
const CREATE = 'mutation($k: String!) { createContact(input: { firstName: "Ada", lastName: "Lovelace", idempotencyKey: $k }) { contact { id } } }';
const REGISTER = 'mutation($c: ID!, $k: String!) { registerVolunteer(input: { contactId: $c, idempotencyKey: $k }) { volunteerProfile { status } } }';
const WITH_PROFILE = '{ contacts(first: 5) { edges { node { id volunteerProfile { status } } } } }';

describe('an unreachable subgraph', () => {
  describe('never started (closed port)', () => {
    let platform: TestPlatform;
    beforeAll(async () => {
      platform = await startTestPlatform({ transport: 'in-process', services: ['fundraising'] });
    });
    afterAll(async () => {
      await platform?.stop();
    });

    it('is a known error code', () => {
      expect(ERROR_CODES).toContain('SERVICE_UNAVAILABLE');
    });

    it('answers a mutation it owns with SERVICE_UNAVAILABLE, HTTP 503 and Retry-After', async () => {
      const r = await platform.as(tenant())(REGISTER, { c: randomUUID(), k: randomUUID() });
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.data ?? null).toBeNull();
      expect(r.errors).toEqual([
        expect.objectContaining({ path: ['registerVolunteer'], extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryable: true }) }),
      ]);
      expect(r.errors![0]!.message).toMatch(/volunteers service is unavailable/);
    });

    it('keeps the data other subgraphs answered (200) and puts the error on each failing path', async () => {
      const as = platform.as(tenant());
      for (let i = 0; i < 2; i++) expect((await as(CREATE, { k: randomUUID() })).errors).toBeUndefined();
      const r = await as(WITH_PROFILE);
      expect(r.status).toBe(200);
      const edges = r.data.contacts.edges as { node: { id: string; volunteerProfile: unknown } }[];
      expect(edges).toHaveLength(2);
      for (const e of edges) expect(e.node.volunteerProfile).toBeNull();
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);
      expect(r.errors?.map((e) => e.path).sort()).toEqual([
        ['contacts', 'edges', 0, 'node', 'volunteerProfile'],
        ['contacts', 'edges', 1, 'node', 'volunteerProfile'],
      ]);
    });

    it('does not touch errors a reachable subgraph gave (a client mistake stays BAD_USER_INPUT)', async () => {
      const r = await platform.as(tenant())('mutation { createContact(input: { firstName: "", lastName: "x", idempotencyKey: "k" }) { contact { id } } }');
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.status).not.toBe(503);
    });
  });

  describe('stopped while the gateway runs', () => {
    let platform: TestPlatform;
    beforeAll(async () => {
      platform = await startTestPlatform({ transport: 'in-process' });
    });
    afterAll(async () => {
      await platform?.stop();
    });

    it('answers SERVICE_UNAVAILABLE with HTTP 503 (not INTERNAL) once fundraising has stopped', async () => {
      const as = platform.as(tenant());
      const key = randomUUID();
      const first = await as(CREATE, { k: key });
      expect(first.errors).toBeUndefined();
      await platform.services.fundraising!.stop();

      const down = await as(CREATE, { k: key });
      expect(down.status).toBe(503);
      expect(down.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      const list = await as('{ contacts { edges { node { id } } } }');
      expect(list.status).toBe(503);
      expect(list.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['SERVICE_UNAVAILABLE', ['contacts']]]);
    });
  });
});
