// The contracts every operation of every subgraph keeps (NC-NFR-02 idempotent replay, NC-NFR-04
// tenant isolation) are tested once, over the composed supergraph, in test/contracts/. Each subgraph
// gives those tests what only it knows: how to build a valid input for each of its mutations
// (`services/<name>/test/contracts.ts`, exporting `contracts`). The tests fail when a subgraph has no
// such file or a mutation has no sample, so a new subgraph is covered by writing inputs, not tests.
import { withTenant } from '@commonhold/kit';
import type { TestPlatform } from './platform';
import type { As } from './support';

export interface SampleContext {
  /** The gateway as the tenant the sample runs for. */
  as: As;
  tenant: string;
  platform: TestPlatform;
}

/**
 * Builds a valid `input` for one mutation (setting up whatever it needs first, through the API),
 * with `idempotencyKey` set to the key given. The contract tests build the operation and its
 * selection from the schema.
 */
export type MutationSample = (ctx: SampleContext, idempotencyKey: string) => Promise<Record<string, unknown>>;

export interface ServiceContracts {
  /** One sample per mutation the subgraph owns. */
  samples: Record<string, MutationSample>;
  /** Mutations the replay test cannot run here, each with the reason and where else it is proven. */
  notReplayed?: Record<string, string>;
}

/** Tables that change without a client's write (the relay drains the outbox). */
const TRANSIENT = new Set(['outbox']);

/**
 * Everything a tenant has in every started service's database, as one comparable value: per
 * tenant-owned table (row-level security on), its row count and a hash of its rows. Two equal
 * footprints mean no row was added, removed or changed.
 */
export async function tenantFootprint(platform: TestPlatform, tenant: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, svc] of Object.entries(platform.services)) {
    if (!svc) continue;
    await withTenant(svc.runtime.ds, tenant, async (m) => {
      const tables: { relname: string }[] = await m.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity ORDER BY c.relname`,
      );
      for (const { relname } of tables) {
        if (TRANSIENT.has(relname)) continue;
        const [r] = await m.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(md5(t::text), ',' ORDER BY md5(t::text)), '')) AS h FROM "${relname}" t`);
        out[`${name}.${relname}`] = `${r.n}:${r.h}`;
      }
    });
  }
  return out;
}

/** Waits until the tenant's footprint stops changing (consumers of the events have caught up). */
export async function settledFootprint(platform: TestPlatform, tenant: string, { quietMs = 300, timeoutMs = 15_000 } = {}): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let last = await tenantFootprint(platform, tenant);
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await tenantFootprint(platform, tenant);
    if (JSON.stringify(now) === JSON.stringify(last) || Date.now() > deadline) return now;
    last = now;
  }
}
