// Stops only what globalSetup started; drops the databases this run created.
const { Client } = require('pg');

module.exports = async function globalTeardown() {
  const state = globalThis.__COMMONHOLD_INFRA__ ?? {};
  const c = new Client({ connectionString: process.env.PG_ADMIN_URL });
  try {
    await c.connect();
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`t${process.env.TEST_RUN_ID}%`]);
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    const roles = await c.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1`, [`t${process.env.TEST_RUN_ID}%`]);
    for (const r of roles.rows) await c.query(`DROP ROLE IF EXISTS "${r.rolname}"`);
  } catch (err) {
    console.warn(`[test infra] cleanup failed: ${err.message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
  await state.kafka?.stop?.();
  if (state.redis) process.kill(-state.redis.pid, 'SIGTERM');
  await state.pg?.stop?.();
};
