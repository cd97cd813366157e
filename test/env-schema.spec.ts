// Every setting a service reads is documented for operators in env.schema.example (the base
// configuration every service shares; feature flags and per-service ports are generated there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseConfigSchema } from '@commonhold/kit';

it('env.schema.example documents every key of the base configuration', () => {
  const doc = readFileSync(join(__dirname, '..', 'env.schema.example'), 'utf8');
  const documented = new Set([...doc.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const missing = Object.keys(baseConfigSchema.shape).filter((k) => !documented.has(k));
  expect(missing).toEqual([]);
});
