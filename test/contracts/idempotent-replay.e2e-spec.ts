// NC-NFR-02 over the whole composed API (issue 9 item 13, replay part): every mutation of every
// subgraph is called with a valid input (its subgraph's sample, services/<name>/test/contracts.ts)
// and then again with the same idempotency key. The replay must give the same answer and change
// nothing anywhere: every tenant-owned table of every service (consumers' projections included)
// has the same rows after it. The same key with another input is refused, writing nothing.
// Mutations come from schemas/supergraph.graphql, so a new subgraph's are covered once it composes
// and gives its samples.
import { getNamedType, isNonNullType } from 'graphql';
import { settledFootprint } from '@commonhold/testing/src/contracts';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey, tenantName } from '@commonhold/testing/src/support';
import { mutationOwners, schema, selection, serviceContracts } from './supergraph';

const owners = mutationOwners();
const contracts = serviceContracts();
const mutations = Object.values(schema.getMutationType()?.getFields() ?? {});
const sampled = mutations.filter((m) => contracts[owners[m.name]!]?.samples[m.name]);

/** The operation for one mutation taking `input`, selecting every scalar of its payload. */
function operation(name: string): string {
  const field = schema.getMutationType()!.getFields()[name]!;
  const arg = field.args.find((a) => isNonNullType(a.type))!;
  return `mutation($input: ${getNamedType(arg.type).name}!) { ${name}(input: $input) ${selection(field.type, 3, 'all')} }`;
}

describe('every mutation has a replay sample', () => {
  it('every subgraph gives its contract samples (services/<name>/test/contracts.ts)', () => {
    expect(Object.entries(contracts).filter(([, c]) => !c).map(([n]) => n)).toEqual([]);
  });

  it.each(mutations.map((m) => [m.name] as const))('%s has a sample, or a reason it is replayed elsewhere', (name) => {
    const c = contracts[owners[name]!];
    expect({ mutation: name, owner: owners[name], covered: !!(c?.samples[name] || c?.notReplayed?.[name]) }).toEqual({ mutation: name, owner: owners[name], covered: true });
  });

  it('lists samples only for mutations its subgraph owns', () => {
    const stray = Object.entries(contracts).flatMap(([svc, c]) => [...Object.keys(c?.samples ?? {}), ...Object.keys(c?.notReplayed ?? {})].filter((m) => owners[m] !== svc).map((m) => `${svc}.${m}`));
    expect(stray).toEqual([]);
  });
});

describe('idempotent replay through the gateway', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process' });
  }, 120_000);
  afterAll(async () => platform?.stop());

  it.each(sampled.map((m) => [m.name] as const))('%s: the same key gives the same answer and no second effect', async (name) => {
    const tenant = tenantName('replay');
    const as = platform.as(tenant);
    const key = idempotencyKey();
    const input = await contracts[owners[name]!]!.samples[name]!({ as, tenant, platform }, key);
    const op = operation(name);

    const first = await as(op, { input });
    expect(first.errors).toBeUndefined();
    const before = await settledFootprint(platform, tenant);

    const replay = await as(op, { input });
    expect(replay.errors).toBeUndefined();
    expect(replay.data).toEqual(first.data);
    expect(await settledFootprint(platform, tenant)).toEqual(before);

    // The same key with a different input is a client mistake, refused without writing.
    const diff = differentInput(input);
    if (!diff) return; // nothing but the key to vary (e.g. rebuildRollups)
    const changed = await as(op, { input: { ...input, ...diff } });
    expect({ changed: Object.keys(diff), code: changed.errors?.[0]?.extensions?.code }).toEqual({ changed: Object.keys(diff), code: 'IDEMPOTENCY_CONFLICT' });
    expect(await settledFootprint(platform, tenant)).toEqual(before);
  }, 60_000);
});

/** One field of the input changed to another valid value (a boolean flips, free text gets a suffix, a number +1), or null. */
function differentInput(input: Record<string, unknown>): Record<string, unknown> | null {
  for (const [k, v] of Object.entries(input)) {
    if (k === 'idempotencyKey') continue;
    if (typeof v === 'boolean') return { [k]: !v };
  }
  for (const [k, v] of Object.entries(input)) {
    if (k === 'idempotencyKey' || /Id$|^id$|At$|Date$|From$|upTo|asOf|since|code$|^csv$|fileName|email/.test(k)) continue;
    if (typeof v === 'string' && !/^[A-Z_]+$/.test(v)) return { [k]: `${v} (changed)` };
    if (typeof v === 'number') return { [k]: v + 1 };
  }
  return null;
}
