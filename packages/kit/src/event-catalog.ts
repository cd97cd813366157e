import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './idempotency';
import type { EventContract } from './event-registry';

export function readContracts(dir: string): EventContract[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('commonhold.') && f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EventContract);
}

/** sha256 of each contract's payload schema and topic: what consumers depend on. */
export function contractFingerprints(dir: string): Record<string, string> {
  return Object.fromEntries(
    readContracts(dir).map((c) => [c.type, createHash('sha256').update(canonicalJson({ topic: c.topic, schema: c.schema })).digest('hex')]),
  );
}

const TYPE_PATTERN = /^commonhold\.([a-z][a-z-]*)\.([a-z][a-z-]*)\.([a-z][a-z-]*)\.v(\d+)$/;

/** Structural rules every contract follows (ARCHITECTURE §4); returns problems, empty when fine. */
export function lintContract(c: EventContract): string[] {
  const problems: string[] = [];
  const m = TYPE_PATTERN.exec(c.type);
  if (!m) problems.push(`${c.type}: type must be commonhold.<service>.<aggregate>.<past-verb>.v<N>`);
  else {
    if (c.producer !== m[1]) problems.push(`${c.type}: producer must be ${m[1]}`);
    if (c.topic !== `${m[1]}.${m[2]}`) problems.push(`${c.type}: topic must be ${m[1]}.${m[2]}`);
  }
  for (const g of c.consumers ?? []) if (!/^[a-z][a-z-]*\.[a-z][a-z-]*$/.test(g)) problems.push(`${c.type}: consumer group ${g} must be <service>.<purpose>`);
  if ((c.schema as { type?: string }).type !== 'object') problems.push(`${c.type}: data schema must be an object`);
  return problems;
}
