// NC-NFR-04 over the whole composed API (issue 9 item 13, tenant part): tenant A writes through
// every mutation's contract sample, then
// tenant B runs every query of the supergraph it can call without arguments, every query taking
// one `id` with each of A's ids, and every entity of every subgraph by A's ids (`_entities`,
// straight to the subgraph); none of A's ids may come back. The queries and entities are read
// from schemas/supergraph.graphql, so a new subgraph is covered without writing this again.
import { randomBytes } from 'node:crypto';
import { getNamedType, isNonNullType } from 'graphql';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey } from '@commonhold/testing/src/support';
import { canCallBare, entities, idsIn, mutationOwners, ownedFields, schema, selection, serviceContracts, takesOneId } from './supergraph';

describe('tenant isolation across the supergraph', () => {
  let platform: TestPlatform;
  const A = `iso-a-${randomBytes(3).toString('hex')}`;
  const B = `iso-b-${randomBytes(3).toString('hex')}`;
  const aIds = new Set<string>();

  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process' });
    // Tenant A writes through every mutation that has a contract sample (services/<name>/test/contracts.ts),
    // so every subgraph's data is there to look for, a new subgraph's included.
    const a = platform.as(A);
    const owners = mutationOwners();
    const contracts = serviceContracts();
    for (const m of Object.values(schema.getMutationType()!.getFields())) {
      const sample = contracts[owners[m.name]!]?.samples[m.name];
      if (!sample) continue;
      const input = await sample({ as: a, tenant: A, platform }, idempotencyKey());
      const arg = m.args.find((x) => isNonNullType(x.type))!;
      const r = await a(`mutation($input: ${getNamedType(arg.type).name}!) { ${m.name}(input: $input) ${selection(m.type, 3)} }`, { input });
      if (r.errors) throw new Error(`${m.name}: ${JSON.stringify(r.errors)}`);
      idsIn(r.data, aIds);
    }
  }, 180_000);
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

