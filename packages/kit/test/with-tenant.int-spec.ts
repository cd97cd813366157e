// withTenant on real PostgreSQL: a transaction aborted as a deadlock victim is run again from the
// start, so two crossing writers both succeed instead of one failing with an internal error.
import { accessScope, createDataSource, KitTables1763800000000, scopeRlsSql, sqlMigration, tenantRlsSql, withTenant } from '@commonhold/kit';
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

describe('scope fencing (scopeRlsSql)', () => {
  const B1 = '00000000-0000-4000-8000-0000000000b1';
  const B2 = '00000000-0000-4000-8000-0000000000b2';
  const A1 = '00000000-0000-4000-8000-0000000000a1';
  let sds: ReturnType<typeof createDataSource>;
  const Scoped1763800000002 = sqlMigration(
    'Scoped1763800000002',
    [
      `CREATE TABLE units (id uuid PRIMARY KEY, tenant_id text NOT NULL, building_id uuid NOT NULL)`,
      ...tenantRlsSql('units'),
      ...scopeRlsSql('units', { building: 'building_id', apartment: 'id' }),
      `INSERT INTO units VALUES ('${A1}', 't', '${B1}'), ('00000000-0000-4000-8000-0000000000a2', 't', '${B1}'), ('00000000-0000-4000-8000-0000000000a3', 't', '${B2}'), ('00000000-0000-4000-8000-0000000000a4', 'other', '${B1}')`,
    ],
    ['DROP TABLE units'],
  );
  beforeAll(async () => {
    const { appUrl } = await createTestDatabase('withscope', [KitTables1763800000000, Scoped1763800000002]);
    sds = createDataSource({ url: appUrl, entities: [], migrations: [] });
    await sds.initialize();
  });
  afterAll(() => sds.destroy());
  const ids = (scope: Parameters<typeof accessScope>[0]) =>
    withTenant(sds, { tenantId: 't', scope: accessScope(scope) }, (m) => m.query(`SELECT id FROM units ORDER BY id`)).then((r: { id: string }[]) => r.map((x) => x.id.slice(-2)));

  it('global sees the whole tenant, never another tenant', async () => {
    expect(await ids('global')).toEqual(['a1', 'a2', 'a3']);
    expect(await withTenant(sds, 't', (m) => m.query(`SELECT count(*)::int AS n FROM units`))).toEqual([{ n: 3 }]);
  });
  it('a building manager sees only its building; an owner only its apartment', async () => {
    expect(await ids([`building:${B1}`])).toEqual(['a1', 'a2']);
    expect(await ids([`apartment:${A1}`])).toEqual(['a1']);
    expect(await ids([`vendor:${B1}`])).toEqual([]);
  });
  it('writes outside the scope are refused by the database, inside are allowed', async () => {
    const asManager = (sql: string) => withTenant(sds, { tenantId: 't', scope: accessScope([`building:${B1}`]) }, (m) => m.query(sql));
    await expect(asManager(`INSERT INTO units VALUES ('00000000-0000-4000-8000-0000000000a9', 't', '${B2}')`)).rejects.toThrow(/row-level security/);
    // An UPDATE cannot move a row out of the scope, and cannot touch rows it cannot see.
    await expect(asManager(`UPDATE units SET building_id = '${B2}' WHERE id = '${A1}'`)).rejects.toThrow(/row-level security/);
    expect(await asManager(`UPDATE units SET building_id = building_id WHERE building_id = '${B2}' RETURNING id`)).toEqual([[], 0]);
    await asManager(`INSERT INTO units VALUES ('00000000-0000-4000-8000-0000000000a8', 't', '${B1}')`);
    expect(await ids([`building:${B1}`])).toEqual(['a1', 'a2', 'a8']);
  });
  it('without withTenant nothing is visible', async () => {
    expect(await sds.query(`SELECT count(*)::int AS n FROM units`)).toEqual([{ n: 0 }]);
  });
});
