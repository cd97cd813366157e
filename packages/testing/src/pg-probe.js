// Shared by jest's globalSetup, the benches and the canary drill: is `url` a reachable superuser
// connection (so it can create databases and roles)? CommonJS so globalSetup can require it as is.
const { Client } = require('pg');

async function isSuperuser(url) {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    const r = await c.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    return r.rows[0]?.rolsuper === true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

module.exports = { isSuperuser };
