// The contracts in schemas/ as CI checks them: the subgraphs compose, the committed supergraph is
// what they compose to, and every breaking change since the last release is announced.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, printSchema } from 'graphql';
import { readSdlSource } from '@commonhold/kit';
import { apiSchema, breakingChanges, composeSupergraph, readSubgraphs, unacknowledged, type BreakingChange, type SubgraphEntry } from '../src/compose';

const schemasDir = join(__dirname, '..', '..', 'schemas');
const read = (file: string) => readFileSync(join(schemasDir, file), 'utf8');

/** The first line where two texts differ, to make a stale-file failure readable. */
function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: committed ${JSON.stringify(al[i])}, composed ${JSON.stringify(bl[i])}`;
  }
  return 'none';
}

describe('schemas/ composition', () => {
  const subgraphs = readSubgraphs(schemasDir);

  it('reads every subgraph listed in subgraphs.json, in name order', () => {
    const index = JSON.parse(read('subgraphs.json')) as Record<string, { url: string; sdl: string }>;
    expect(subgraphs.map((s) => s.name)).toEqual(Object.keys(index).sort());
    for (const s of subgraphs) {
      expect(s.url).toBe(index[s.name]!.url);
      expect(s.sdl).toBe(readSdlSource(join(schemasDir, index[s.name]!.sdl)));
    }
  });

  it('composes without errors into a supergraph joining every subgraph', () => {
    const supergraph = composeSupergraph(subgraphs);
    for (const s of subgraphs) expect(supergraph).toContain(`@join__graph(name: "${s.name}", url: "${s.url}")`);
  });

  it('has a committed schemas/supergraph.graphql equal to a fresh composition', () => {
    const committed = read('supergraph.graphql');
    const fresh = composeSupergraph(subgraphs);
    if (committed !== fresh) {
      throw new Error(`schemas/supergraph.graphql is stale: run \`npm run compose\` and commit the result (first difference at ${firstDifference(committed, fresh)})`);
    }
    expect(committed).toBe(fresh);
  });

  it('would notice a stale supergraph: changing one subgraph changes the composition', () => {
    const changed = subgraphs.map((s) => (s.name === 'fundraising' ? { ...s, sdl: s.sdl.replace('  email: String\n', '  email: String\n  nickname: String\n') } : s));
    expect(changed.find((s) => s.name === 'fundraising')!.sdl).toContain('nickname: String');
    const fresh = composeSupergraph(changed);
    expect(fresh).not.toBe(read('supergraph.graphql'));
    expect(firstDifference(read('supergraph.graphql'), fresh)).toMatch(/nickname/);
  });

  it('derives a client API schema without federation internals', () => {
    const api = printSchema(apiSchema(composeSupergraph(subgraphs)));
    expect(api).toContain('type Contact {');
    expect(api).toContain('volunteerProfile: VolunteerProfile');
    expect(api).toContain('createContact(input: CreateContactInput!): CreateContactPayload!');
    for (const internal of ['join__', 'link__', '_entities', '_service', '@key', '_Any']) expect(api).not.toContain(internal);
  });

  it('reports every composition error for a conflicting subgraph', () => {
    const conflicting: SubgraphEntry = {
      name: 'rogue',
      url: 'http://127.0.0.1:4999/graphql',
      sdl: `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
        type Contact @key(fields: "id") {
          id: ID!
          "fundraising says String!; an Int here cannot compose"
          firstName: Int!
        }
        type Money @shareable {
          amountMinor: Float!
          currency: String!
        }
        type Query { rogueContact: Contact }
      `,
    };
    let message = '';
    try {
      composeSupergraph([...subgraphs, conflicting]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Composition failed:\n {2}- /);
    expect(message).toContain('"Contact.firstName"');
    expect(message).toContain('"Money.amountMinor"');
    expect(message.split('\n  - ').length - 1).toBeGreaterThanOrEqual(2);
  });

  it('refuses SDL that does not parse', () => {
    expect(() => composeSupergraph([{ name: 'broken', url: 'http://127.0.0.1:1/graphql', sdl: 'type Query { x: }' }])).toThrow(/Syntax Error/);
  });
});

describe('breakingChanges', () => {
  const before = buildSchema(`
    type Query { contact(id: ID!): Contact, legacy: String, gifts(first: Int): [Gift!]! }
    type Contact { id: ID!, email: String, age: Int, status: Status }
    type Gift { id: ID! }
    enum Status { ACTIVE, INACTIVE }
  `);

  it('finds nothing between a schema and itself', async () => {
    await expect(breakingChanges(before, before)).resolves.toEqual([]);
  });

  it('finds nothing for additive changes', async () => {
    const after = buildSchema(`
      type Query { contact(id: ID!): Contact, legacy: String, gifts(first: Int, after: String): [Gift!]!, newField: Int }
      type Contact { id: ID!, email: String, age: Int!, status: Status, nickname: String }
      type Gift { id: ID! }
      enum Status { ACTIVE, INACTIVE, PAUSED }
      type Extra { x: Int }
    `);
    await expect(breakingChanges(before, after)).resolves.toEqual([]);
  });

  it('finds a removed field, a changed type, a removed enum value and a new required argument', async () => {
    const after = buildSchema(`
      type Query { contact(id: ID!): Contact, gifts(first: Int, tenant: ID!): [Gift!]! }
      type Contact { id: ID!, email: Int, age: Int, status: Status }
      type Gift { id: ID! }
      enum Status { ACTIVE }
    `);
    const changes = await breakingChanges(before, after);
    expect(changes.map((c) => c.path).sort()).toEqual(['Contact.email', 'Query.gifts.tenant', 'Query.legacy', 'Status.INACTIVE']);
    expect(changes.find((c) => c.path === 'Query.legacy')!.message).toMatch(/removed/);
    expect(changes.find((c) => c.path === 'Contact.email')!.message).toMatch(/String.*Int/);
  });
});

describe('unacknowledged', () => {
  const changes: BreakingChange[] = [
    { path: 'Contact.email', message: "Field 'Contact.email' changed type" },
    { path: 'Query.legacy', message: "Field 'legacy' was removed" },
    { path: 'Query.gifts.tenant', message: "Argument 'tenant: ID!' added" },
  ];

  it.each<[string, string, string[]]>([
    ['an empty changelog acknowledges nothing', '', ['Contact.email', 'Query.legacy', 'Query.gifts.tenant']],
    ['a backtick-named path is acknowledged', '## Unreleased\n- BREAKING `Contact.email`: now an Int because …\n', ['Query.legacy', 'Query.gifts.tenant']],
    ['several paths on one line', '- BREAKING `Query.legacy` and `Query.gifts.tenant` (see ADR 7)', ['Contact.email']],
    ['a path without backticks does not count', '- BREAKING Contact.email changed; Query.legacy removed', ['Contact.email', 'Query.legacy', 'Query.gifts.tenant']],
    ['a prefix of the path does not count', '- BREAKING `Query.gifts`: new required argument', ['Contact.email', 'Query.legacy', 'Query.gifts.tenant']],
    ['a longer path does not count', '- `Contact.email.address`', ['Contact.email', 'Query.legacy', 'Query.gifts.tenant']],
    ['the path must match exactly (case)', '- `contact.email`', ['Contact.email', 'Query.legacy', 'Query.gifts.tenant']],
    ['double-backtick code spans count', '- BREAKING ``Query.legacy``: removed', ['Contact.email', 'Query.gifts.tenant']],
    ['all named', '`Contact.email` `Query.legacy` `Query.gifts.tenant`', []],
    ['spaces inside the code span are ignored', '- `` Query.legacy ``', ['Contact.email', 'Query.gifts.tenant']],
    // Markdown code spans: a run of n backticks closes only at a run of exactly n, so an example
    // like ``- BREAKING `X`: …`` must neither acknowledge X nor shift the pairing of later spans.
    ['a double-backtick example does not shift later names', '``- BREAKING `Contact.email`: …`` is the format.\n\n## Unreleased\n- BREAKING `Query.legacy`: removed\n', ['Contact.email', 'Query.gifts.tenant']],
    ['an unmatched backtick does not shift later names', "- don't use a ` on its own\n- BREAKING ``Query.legacy``\n", ['Contact.email', 'Query.gifts.tenant']],
  ])('%s', (_name, changelog, left) => {
    expect(unacknowledged(changes, changelog).map((c) => c.path)).toEqual(left);
  });
});

describe('the API against the last release (schemas/api-baseline.graphql)', () => {
  it('has every breaking change acknowledged in schemas/CHANGELOG.md', async () => {
    const baseline = buildSchema(read('api-baseline.graphql'));
    const current = apiSchema(composeSupergraph(readSubgraphs(schemasDir)));
    const left = unacknowledged(await breakingChanges(baseline, current), read('CHANGELOG.md'));
    if (left.length) {
      throw new Error(
        `Unacknowledged breaking changes; name each path in backticks under "## Unreleased" in schemas/CHANGELOG.md:\n${left.map((b) => `  - ${b.path}: ${b.message}`).join('\n')}`,
      );
    }
    expect(left).toEqual([]);
  });

  it('reads the committed CHANGELOG as markdown (its ``…`Gift.amount`…`` example acknowledges nothing)', () => {
    const changelog = read('CHANGELOG.md');
    const probe = (path: string) => ({ path, message: '' });
    expect(unacknowledged([probe('Contact.volunteerProfile'), probe('Gift.amount')], changelog)).toEqual([probe('Gift.amount')]);
  });

  it('would refuse an unannounced removal (Contact.email dropped from fundraising)', async () => {
    const baseline = buildSchema(read('api-baseline.graphql'));
    const changed = readSubgraphs(schemasDir).map((s) => (s.name === 'fundraising' ? { ...s, sdl: s.sdl.replace('  email: String\n', '') } : s));
    const left = unacknowledged(await breakingChanges(baseline, apiSchema(composeSupergraph(changed))), read('CHANGELOG.md'));
    expect(left.map((b) => b.path)).toEqual(['Contact.email']);
    expect(unacknowledged(left, `${read('CHANGELOG.md')}\n- BREAKING \`Contact.email\`: removed\n`)).toEqual([]);
  });
});
