// NC-NFR-04 over the whole composed API (issue 9 item 13, tenant part): tenant A writes, then
// tenant B runs every query of the supergraph it can call without arguments, every query taking
// one `id` with each of A's ids, and every entity of every subgraph by A's ids (`_entities`,
// straight to the subgraph); none of A's ids may come back. The queries and entities are read
// from schemas/supergraph.graphql, so a new subgraph is covered without writing this again.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getNamedType, isNonNullType, isObjectType, isScalarType, isEnumType, type GraphQLField, type GraphQLObjectType, type GraphQLOutputType } from 'graphql';
import { defaultSchemasDir } from '@commonhold/kit';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { apiSchema } from '../../gateway/src/compose';

const supergraph = readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8');
const schema = apiSchema(supergraph);

/** A selection of every argument-free field down to `depth`, ids included: what a tenant could read. */
function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (!isObjectType(named) || depth === 0) return '{ __typename }';
  const parts = ['__typename'];
  for (const f of Object.values((named as GraphQLObjectType).getFields())) {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const leaf = getNamedType(f.type);
    if (isScalarType(leaf) || isEnumType(leaf)) {
      if (f.name === 'id') parts.push('id');
      continue;
    }
    parts.push(`${f.name} ${selection(f.type, depth - 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

const canCallBare = (f: GraphQLField<unknown, unknown>) => f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined);
const takesOneId = (f: GraphQLField<unknown, unknown>) => {
  const required = f.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  return required.length === 1 && getNamedType(required[0]!.type).name === 'ID';
};

/** Every entity type with `@key(fields: "id")` per subgraph, from the supergraph's join directives. */
function entities(): { graph: string; type: string }[] {
  const out: { graph: string; type: string }[] = [];
  const graphNames: Record<string, string> = {};
  for (const m of supergraph.matchAll(/(\w+) @join__graph\(name: "([^"]+)"/g)) graphNames[m[1]!] = m[2]!;
  for (const m of supergraph.matchAll(/type (\w+)((?:\s*@join__\w+\([^)]*\))+)/g)) {
    for (const j of m[2]!.matchAll(/@join__type\(graph: (\w+), key: "id"/g)) out.push({ graph: graphNames[j[1]!]!, type: m[1]! });
  }
  return out;
}

/** The selection of the fields `graph` itself resolves on `type` (from @join__field), or undefined. */
function ownedFields(graph: string, type: string): string | undefined {
  const enumName = Object.entries(Object.fromEntries([...supergraph.matchAll(/(\w+) @join__graph\(name: "([^"]+)"/g)].map((m) => [m[1]!, m[2]!]))).find(([, n]) => n === graph)?.[0];
  const block = new RegExp(`\\ntype ${type}\\b[^{]*\\{([^}]*)\\}`).exec(supergraph)?.[1] ?? '';
  const apiType = schema.getType(type) as GraphQLObjectType | undefined;
  const parts: string[] = [];
  for (const line of block.split('\n')) {
    const m = /^\s+(\w+)(\([^)]*\))?:/.exec(line);
    if (!m || m[1] === 'id') continue;
    const joins = [...line.matchAll(/@join__field\(graph: (\w+)/g)].map((j) => j[1]);
    if (joins.length && !joins.includes(enumName)) continue;
    if (/external: true/.test(line)) continue;
    const f = apiType?.getFields()[m[1]!];
    if (!f || f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    // Nested types may carry other graphs' fields: `__typename` is all this graph surely answers.
    parts.push(`${f.name} ${selection(f.type, 0)}`);
  }
  return parts.length ? `{ id ${parts.join(' ')} }` : undefined;
}

function idsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => idsIn(v, into));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) k === 'id' && typeof v === 'string' ? into.add(v) : idsIn(v, into);
  return into;
}

describe('tenant isolation across the supergraph', () => {
  let platform: TestPlatform;
  const A = `iso-a-${randomBytes(3).toString('hex')}`;
  const B = `iso-b-${randomBytes(3).toString('hex')}`;
  const aIds = new Set<string>();

  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process' });
    const a = platform.as(A);
    const ok = async (q: string, v: Record<string, unknown>) => {
      const r = await a(q, v);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      idsIn(r.data, aIds);
      return r.data;
    };
    const c = await ok('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id household { id } } } }', { i: { firstName: 'Ada', lastName: 'Lovelace', idempotencyKey: randomUUID() } });
    const contactId = c.createContact.contact.id;
    await ok('mutation($i: RecordGiftInput!) { recordGift(input: $i) { gift { id } } }', { i: { contactId, amount: { amountMinor: 1000, currency: 'GBP' }, receivedAt: '2026-11-02T10:00:00Z', idempotencyKey: randomUUID() } });
    await ok('mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id } } }', { i: { name: 'Winter', idempotencyKey: randomUUID() } }).catch(() => undefined);
    await ok('mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id } } }', { i: { contactId, name: 'Major gift', expectedAmount: { amountMinor: 500000, currency: 'GBP' }, idempotencyKey: randomUUID() } }).catch(() => undefined);
    await ok('mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { volunteer { id } } }', { i: { contactId, idempotencyKey: randomUUID() } }).catch(() => undefined);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const queries = Object.values(schema.getQueryType()!.getFields());

  it('has data of tenant A to look for, and queries to run', () => {
    expect(aIds.size).toBeGreaterThanOrEqual(3);
    expect(queries.filter(canCallBare).length).toBeGreaterThan(5);
  });

  it('sees A’s own data through the same generic queries and entities (the checks can find a leak)', async () => {
    const seen = new Set<string>();
    for (const f of queries.filter(canCallBare)) idsIn((await platform.as(A)(`{ ${f.name} ${selection(f.type, 4)} }`)).data, seen);
    expect([...aIds].filter((id) => seen.has(id)).length).toBeGreaterThanOrEqual(2);
    const contact = entities().find((e) => e.type === 'Contact' && platform.services[e.graph]);
    expect(contact).toBeDefined();
    const r = await gql(platform.services[contact!.graph]!.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`, { r: [...aIds].map((id) => ({ __typename: 'Contact', id })) }, bearer(await platform.token(A)));
    expect([...idsIn(r.data)].some((id) => aIds.has(id))).toBe(true);
    const owned = ownedFields(contact!.graph, 'Contact');
    expect(owned).toBeDefined();
    const full = await gql(platform.services[contact!.graph]!.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact ${owned} } }`, { r: [...aIds].map((id) => ({ __typename: 'Contact', id })) }, bearer(await platform.token(A)));
    expect(full.errors).toBeUndefined();
    expect((full.data._entities as (Record<string, unknown> | null)[]).some((e) => e && Object.entries(e).some(([k, v]) => k !== 'id' && k !== '__typename' && v !== null))).toBe(true);
  });

  it.each(queries.filter(canCallBare).map((f) => [f.name, f] as const))('query %s shows tenant B none of A’s data', async (name, f) => {
    const r = await platform.as(B)(`{ ${name} ${selection(f.type, 4)} }`);
    for (const e of r.errors ?? []) expect(e.extensions?.code).not.toBe('INTERNAL');
    const leaked = [...idsIn(r.data)].filter((id) => aIds.has(id));
    expect(leaked).toEqual([]);
  });

  it.each(queries.filter(takesOneId).map((f) => [f.name, f] as const))('query %s(id) answers tenant B nothing for A’s ids', async (name, f) => {
    const arg = f.args.find((a) => isNonNullType(a.type))!.name;
    for (const id of aIds) {
      const r = await platform.as(B)(`query($id: ID!) { ${name}(${arg}: $id) ${selection(f.type, 2)} }`, { id });
      const leaked = [...idsIn(r.data)].filter((x) => aIds.has(x));
      expect({ query: name, id, leaked }).toEqual({ query: name, id, leaked: [] });
    }
  });

  it('resolves no entity of A for tenant B on any subgraph (_entities by id)', async () => {
    const list = entities();
    expect(list.length).toBeGreaterThan(3);
    const token = bearer(await platform.token(B));
    for (const { graph, type } of list) {
      const service = platform.services[graph];
      if (!service) continue;
      const owned = ownedFields(graph, type);
      if (!owned) continue; // the subgraph only references the type
      const representations = [...aIds].map((id) => ({ __typename: type, id }));
      const r = await gql(service.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} ${owned} } }`, { r: representations }, token);
      expect({ graph, type, errors: r.errors?.filter((e) => e.extensions?.reason === 'GRAPHQL_VALIDATION_FAILED' || e.extensions?.code === 'INTERNAL') ?? [] }).toEqual({ graph, type, errors: [] });
      // An entity leaks when anything beyond the key the caller sent comes back.
      const leaked = ((r.data?._entities ?? []) as (Record<string, unknown> | null)[]).filter((e) => e && Object.entries(e).some(([k, v]) => k !== 'id' && k !== '__typename' && v !== null && !(Array.isArray(v) && v.length === 0)));
      expect({ graph, type, leaked }).toEqual({ graph, type, leaked: [] });
    }
  });
});

