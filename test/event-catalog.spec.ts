// Event contracts are a published API: structure, immutability once locked, and agreement between
// the catalog and the consumers the services actually run.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { contractFingerprints, lintContract, readContracts } from '@commonhold/kit';
import { SERVICES } from '@commonhold/platform';

const dir = join(__dirname, '..', 'schemas', 'events');
const contracts = readContracts(dir);
const lock = JSON.parse(readFileSync(join(__dirname, '..', 'schemas', 'events.lock.json'), 'utf8')) as Record<string, string>;

it('has contracts that follow the naming and shape rules', () => {
  expect(contracts.length).toBeGreaterThan(0);
  expect(contracts.flatMap(lintContract)).toEqual([]);
});

it('never changes a published (locked) contract in place — publish a new version instead', () => {
  const now = contractFingerprints(dir);
  const changed = Object.keys(lock).filter((type) => now[type] !== undefined && now[type] !== lock[type]);
  const removed = Object.keys(lock).filter((type) => now[type] === undefined);
  const unlocked = Object.keys(now).filter((type) => lock[type] === undefined);
  expect({ changed, removed, unlocked }).toEqual({ changed: [], removed: [], unlocked: [] }); // new contract? run `npm run events:lock`
});

it('lists every running consumer in the contracts it handles, and only real event types', () => {
  const byType = new Map(contracts.map((c) => [c.type, c]));
  for (const { def } of SERVICES) {
    for (const consumer of def.consumers?.({} as never) ?? []) {
      for (const type of Object.keys(consumer.handlers)) {
        const c = byType.get(type);
        expect(c).toBeDefined();
        expect(consumer.topics).toContain(c!.topic);
        expect(c!.consumers).toContain(consumer.group);
        expect(consumer.group.startsWith(`${def.name}.`)).toBe(true);
      }
    }
  }
});
