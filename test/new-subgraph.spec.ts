// The subgraph generator's input checks and naming (the generated service itself is proven by
// running `npm run new:subgraph -- demo --port 4099` and its own tests; see docs/adding-a-subgraph.md).
import { parseArgs } from '../scripts/new-subgraph';
import { templates } from '../scripts/new-subgraph/templates';

describe('new:subgraph', () => {
  it('takes the architecture’s flag names for planned subgraphs, ENABLE_<NAME> otherwise', () => {
    expect(parseArgs(['collections', '--port', '4020'])).toEqual({ name: 'collections', port: 4020, flag: 'ENABLE_COLLECTIONS_OS' });
    expect(parseArgs(['bulk-ops', '--port', '4030'])).toEqual({ name: 'bulk-ops', port: 4030, flag: 'ENABLE_BULK_OPS' });
    expect(parseArgs(['voting', '--port', '4040'])).toEqual({ name: 'voting', port: 4040, flag: 'ENABLE_VOTING' });
    expect(parseArgs(['grants', '--port', '4070', '--flag', 'ENABLE_GRANTS_PIPELINE']).flag).toBe('ENABLE_GRANTS_PIPELINE');
  });

  it('refuses a bad name, port or flag, naming each', () => {
    expect(() => parseArgs(['Bad_Name', '--port', '80', '--flag', 'nope'])).toThrow(/name: give a kebab-case name[\s\S]*--port: give a port between 1024 and 65535[\s\S]*--flag: ENABLE_<SOMETHING>/);
    expect(() => parseArgs([])).toThrow(/usage: npm run new:subgraph -- <name> --port <port>/);
  });

  it('names every GraphQL type and root field after the service, so two generated subgraphs never clash', () => {
    const files = templates({ name: 'bulk-ops', camel: 'bulkOps', pascal: 'BulkOps', sql: 'bulk_ops', port: 4030, flag: 'ENABLE_BULK_OPS', ts: 1 });
    const sdl = files['schemas/subgraphs/bulk-ops/00-bulk-ops.graphql']!;
    for (const name of ['type BulkOpsNote ', 'type BulkOpsPageInfo', 'bulkOpsNote(id: ID!)', 'bulkOpsNotes(first: Int', 'createBulkOpsNote(input: CreateBulkOpsNoteInput!)']) expect(sdl).toContain(name);
    expect(JSON.parse(files['services/bulk-ops/service.json']!)).toMatchObject({ name: 'bulk-ops', port: 4030, featureFlag: 'ENABLE_BULK_OPS' });
    expect(JSON.parse(files['schemas/events/commonhold.bulk-ops.note.created.v1.json']!)).toMatchObject({ topic: 'bulk-ops.note', producer: 'bulk-ops', consumers: ['bulk-ops.note-counts'] });
    // The module shape: pure rule, entity, store, use case, resolvers, consumer, module, index.
    for (const f of ['note.ts', 'note.entity.ts', 'note.store.ts', 'create-note.ts', 'note.resolvers.ts', 'note-created.consumer.ts', 'notes.module.ts', 'index.ts', 'note.spec.ts']) {
      expect(Object.keys(files)).toContain(`services/bulk-ops/src/modules/notes/${f}`);
    }
  });
});
