// `npm run --silent token -- --tenant <id> --role <role> [--user <id>] [--scope global|building:<uuid>,apartment:<uuid>,vendor:<uuid>]`
// prints a JWT the embedded stack accepts (signed with the dev key made on first `npm start`).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevKeys, readPrivateKey, signToken } from '@commonhold/kit';

async function main() {
  if (process.env.NODE_ENV === 'production') throw new Error('Development tokens are refused when NODE_ENV=production');
  const { values } = parseArgs({
    options: { tenant: { type: 'string' }, role: { type: 'string', default: 'admin' }, user: { type: 'string' }, scope: { type: 'string', default: 'global' }, ttl: { type: 'string', default: '12h' } },
  });
  if (!values.tenant) throw new Error('usage: npm run --silent token -- --tenant <id> --role <role>');
  const keys = await ensureDevKeys(join(process.env.COMMONHOLD_DATA_DIR ?? join(__dirname, '..', '.data'), 'dev-keys'));
  const token = await signToken(readPrivateKey(keys.privateKeyFile), {
    tenantId: values.tenant,
    userId: values.user ?? `dev-${values.tenant}`,
    roles: values.role!.split(','),
    scope: values.scope === 'global' ? 'global' : values.scope!.split(','),
    expiresIn: values.ttl,
  });
  process.stdout.write(token + '\n');
}
main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
