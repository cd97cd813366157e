import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Operation, Workload } from './traffic';

/** A tenant the drill acts as, with its bearer token. */
export interface DrillTenant {
  id: string;
  token: string;
}

export interface ServiceProfile {
  /** Directory under services/ (and the `service` label the process sets on its metrics). */
  name: string;
  /** Prepares data the workload needs, as the database owner (after migrations). */
  seed?: (ownerUrl: string, tenants: DrillTenant[]) => Promise<unknown>;
  workload: (tenants: DrillTenant[], seeded: unknown) => Workload;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/**
 * fundraising: what the gateway sends it for a busy office: new contacts (fresh idempotency keys),
 * gifts recorded against them, the gifts list and single-contact reads with their giving rollup.
 */
const fundraising: ServiceProfile = {
  name: 'fundraising',
  workload: (tenants) => {
    const known = new Map<string, string[]>(tenants.map((t) => [t.id, []]));
    const remember = (tenant: string, id: string) => {
      const ids = known.get(tenant)!;
      ids.push(id);
      if (ids.length > 500) ids.shift();
    };
    const createContact = (t: DrillTenant): Operation => ({
      kind: 'createContact',
      token: t.token,
      query: 'mutation Drill_CreateContact($input: CreateContactInput!) { createContact(input: $input) { contact { id firstName lastName } } }',
      variables: { input: { firstName: pick(['Ada', 'Grace', 'Mary', 'Rosalind', 'Alan', 'Tim']), lastName: `Drill-${randomUUID().slice(0, 8)}`, email: null, idempotencyKey: randomUUID() } },
      onData: (d) => remember(t.id, d.createContact.contact.id),
    });
    return {
      describe: '15 % createContact, 5 % recordGift, 40 % gifts(first: 10), 40 % contact(id) with giving',
      next(): Operation {
        const t = pick(tenants);
        const ids = known.get(t.id)!;
        const r = Math.random();
        if (r < 0.15 || ids.length === 0) return createContact(t);
        if (r < 0.2)
          return {
            kind: 'recordGift',
            token: t.token,
            query: 'mutation Drill_RecordGift($input: RecordGiftInput!) { recordGift(input: $input) { gift { id amount { amountMinor currency } } } }',
            variables: { input: { contactId: pick(ids), amount: { amountMinor: 100 + Math.floor(Math.random() * 10_000), currency: 'GBP' }, receivedAt: new Date().toISOString(), idempotencyKey: randomUUID() } },
          };
        if (r < 0.6)
          return {
            kind: 'gifts',
            token: t.token,
            query: 'query Drill_Gifts { gifts(first: 10) { edges { cursor node { id amount { amountMinor currency } receivedAt } } pageInfo { hasNextPage endCursor } } }',
          };
        return {
          kind: 'contact',
          token: t.token,
          query: 'query Drill_Contact($id: ID!) { contact(id: $id) { id firstName lastName createdAt giving { giftCount lifetimeTotal { amountMinor currency } } } }',
          variables: { id: pick(ids) },
        };
      },
    };
  },
};

/**
 * volunteers: the gateway resolves `Contact.volunteerProfile` through `_entities`, and offices
 * register volunteers. Registration needs contacts volunteers has learned from fundraising's
 * `contact.created` events; the drill seeds that projection (known_contacts) directly instead of
 * running fundraising as well.
 */
const volunteers: ServiceProfile = {
  name: 'volunteers',
  seed: async (ownerUrl, tenants) => {
    const c = new Client({ connectionString: ownerUrl });
    await c.connect();
    try {
      const byTenant: Record<string, string[]> = {};
      for (const t of tenants) {
        const { rows } = await c.query<{ contact_id: string }>(
          `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name)
           SELECT $1, gen_random_uuid(), 'Drill', 'Contact ' || g FROM generate_series(1, 2000) g RETURNING contact_id`,
          [t.id],
        );
        byTenant[t.id] = rows.map((r) => r.contact_id);
      }
      return byTenant;
    } finally {
      await c.end();
    }
  },
  workload: (tenants, seeded) => {
    const pool = new Map(Object.entries(seeded as Record<string, string[]>).map(([k, v]) => [k, [...v]]));
    const all = new Map(Object.entries(seeded as Record<string, string[]>));
    return {
      describe: '20 % registerVolunteer (seeded known contacts, fresh idempotency keys), 80 % _entities(Contact.volunteerProfile) for 1–5 contacts',
      next(): Operation {
        const t = pick(tenants);
        const unregistered = pool.get(t.id)!;
        if (Math.random() < 0.2 && unregistered.length) {
          const contactId = unregistered.pop()!;
          return {
            kind: 'registerVolunteer',
            token: t.token,
            query: 'mutation Drill_Register($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteerProfile { status registeredAt } } }',
            variables: { input: { contactId, idempotencyKey: randomUUID() } },
          };
        }
        const ids = all.get(t.id)!;
        const n = 1 + Math.floor(Math.random() * 5);
        return {
          kind: '_entities',
          token: t.token,
          query: 'query Drill_Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Contact { id volunteerProfile { status registeredAt } } } }',
          variables: { representations: Array.from({ length: n }, () => ({ __typename: 'Contact', id: pick(ids) })) },
        };
      },
    };
  },
};

export const PROFILES: Record<string, ServiceProfile> = { fundraising, volunteers };
