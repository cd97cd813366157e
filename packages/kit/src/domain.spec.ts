import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import { AppError, badInput, isUuid, parseMoney, requiredText } from '@commonhold/kit/domain';

const ROOT = path.resolve(__dirname, '../../..');
const INFRASTRUCTURE = ['typeorm', 'kafkajs', 'pg', 'pg-pool', 'ioredis', 'express', '@apollo', 'dataloader', 'pino', 'prom-client', '@opentelemetry'];

/** Loads `specifier` in a fresh Node process (tsx compiles TypeScript) and lists every module it loaded. */
function loadedModules(specifier: string): string[] {
  const script = `require(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

const packageOf = (file: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file.split(path.sep).join('/'));
  return m?.[1] ?? null;
};

describe('@commonhold/kit/domain', () => {
  it('loads no infrastructure and only a handful of modules', () => {
    const files = loadedModules('@commonhold/kit/domain');
    const packages = new Set(files.map(packageOf).filter((p): p is string => !!p));
    for (const p of packages) expect(INFRASTRUCTURE.some((i) => p === i || p.startsWith(`${i}/`))).toBe(false);
    // The domain files themselves plus GraphQLError's own few (not graphql's 129-module index).
    expect(files.length).toBeLessThan(40);
  }, 30_000);

  it('is the same code as the full entry: its errors are GraphQL errors', () => {
    const e = badInput('input.name', 'name must not be blank');
    expect(e).toBeInstanceOf(AppError);
    expect(e).toBeInstanceOf(GraphQLError);
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(isUuid('1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe(true);
    expect(isUuid('not-a-uuid')).toBe(false);
    expect(parseMoney('amount', { amountMinor: 500, currency: 'GBP' })).toEqual({ amountMinor: 500, currency: 'GBP' });
    expect(requiredText('input.name', '  Ada ', 10)).toBe('Ada');
  });
});
