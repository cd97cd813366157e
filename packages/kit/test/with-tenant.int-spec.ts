// withTenant on real PostgreSQL: a transaction aborted as a deadlock victim is run again from the
// start, so two crossing writers both succeed instead of one failing with an internal error.
import { createDataSource, KitTables1763800000000, sqlMigration, tenantRlsSql, withTenant } from '@commonhold/kit';
import { createTestDatabase } from '@commonhold/testing';

const Rows1763800000001 = sqlMigration(
  'Rows1763800000001',
  [`CREATE TABLE rows (id int PRIMARY KEY, tenant_id text NOT NULL, v int NOT NULL)`, ...tenantRlsSql('rows'), `INSERT INTO rows VALUES (1, 't', 0), (2, 't', 0)`],
  ['DROP TABLE rows'],
);

let ds: ReturnType<typeof createDataSource>;
beforeAll(async () => {
  const { appUrl } = await createTestDatabase('withtenant', [KitTables1763800000000, Rows1763800000001]);
  ds = createDataSource({ url: appUrl, entities: [], migrations: [] });
  await ds.initialize();
});
afterAll(() => ds.destroy());

/** Updates `first` then, after a pause that lets the other writer take `second`, `second`. */
function crossing(first: number, second: number, runs: { n: number }, attempts?: number) {
  return withTenant(
    ds,
    't',
    async (m) => {
      runs.n++;
      await m.query(`UPDATE rows SET v = v + 1 WHERE id = $1`, [first]);
      await m.query(`SELECT pg_sleep(0.2)`);
      await m.query(`UPDATE rows SET v = v + 1 WHERE id = $1`, [second]);
      return runs.n;
    },
    attempts,
  );
}

it('retries the deadlock victim: both crossing transactions commit, each exactly once', async () => {
  const a = { n: 0 };
  const b = { n: 0 };
  await Promise.all([crossing(1, 2, a), crossing(2, 1, b)]);
  // One of them ran twice (its first run was rolled back), the other once.
  expect([a.n, b.n].sort()).toEqual([1, 2]);
  const rows = await withTenant(ds, 't', (m) => m.query(`SELECT id, v FROM rows ORDER BY id`));
  expect(rows).toEqual([
    { id: 1, v: 2 },
    { id: 2, v: 2 },
  ]);
});

it('gives up after its attempts with the deadlock error, having written nothing', async () => {
  const before = await withTenant(ds, 't', (m) => m.query(`SELECT sum(v)::int AS s FROM rows`));
  const results = await Promise.allSettled([crossing(1, 2, { n: 0 }, 1), crossing(2, 1, { n: 0 }, 1)]);
  const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  expect(failed).toHaveLength(1);
  expect(failed[0]!.reason.driverError?.code ?? failed[0]!.reason.code).toBe('40P01');
  const after = await withTenant(ds, 't', (m) => m.query(`SELECT sum(v)::int AS s FROM rows`));
  expect(after[0].s).toBe(before[0].s + 2); // only the survivor's two updates
});

it('does not retry other errors', async () => {
  const runs = { n: 0 };
  await expect(
    withTenant(ds, 't', async (m) => {
      runs.n++;
      await m.query(`SELECT 1/0`);
    }),
  ).rejects.toThrow(/division by zero/);
  expect(runs.n).toBe(1);
});
