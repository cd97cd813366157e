// bulk-ops through the gateway on real PostgreSQL and the in-process bus: the example module's
// use case, idempotency, bad input, the event's consumer, and tenant isolation.
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { buildNote, CREATE_NOTE, createNote, ok, refused, tenantName } from './support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['bulk-ops'] });
}, 120_000);
afterAll(async () => platform?.stop());

describe('bulk-ops notes', () => {
  it('creates a note once under one idempotency key, reads it back, pages and counts it', async () => {
    const acme = platform.as(tenantName('acme'));
    const input = buildNote({ title: '  Fix the lift ' });
    const note = (await ok(acme, CREATE_NOTE, { input })).createBulkOpsNote.note;
    expect(note.title).toBe('Fix the lift');
    expect((await ok(acme, CREATE_NOTE, { input })).createBulkOpsNote.note.id).toBe(note.id);
    expect(await refused(acme, CREATE_NOTE, { input: { ...input, title: 'Other' } })).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });

    expect((await ok(acme, `query($id: ID!) { bulkOpsNote(id: $id) { id title } }`, { id: note.id })).bulkOpsNote).toEqual({ id: note.id, title: 'Fix the lift' });
    const page = await ok(acme, `{ bulkOpsNotes(first: 10) { edges { node { id } } pageInfo { hasNextPage } } }`);
    expect(page.bulkOpsNotes).toEqual({ edges: [{ node: { id: note.id } }], pageInfo: { hasNextPage: false } });
    // The consumer counted it from the event, once.
    await eventually(async () => (await acme('{ bulkOpsNoteCount }')).data?.bulkOpsNoteCount === 1);
  });

  it('refuses a blank title naming the field, writing nothing', async () => {
    const acme = platform.as(tenantName('acme'));
    expect(await refused(acme, CREATE_NOTE, { input: buildNote({ title: '   ' }) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect((await ok(acme, `{ bulkOpsNotes(first: 10) { edges { node { id } } } }`)).bulkOpsNotes.edges).toEqual([]);
  });

  it('refuses a role without the permission, naming it, and writes nothing', async () => {
    const tenant = tenantName('acme');
    const auditor = platform.as(tenant, { roles: ['auditor'] });
    expect(await refused(auditor, CREATE_NOTE, { input: buildNote() })).toMatchObject({ code: 'FORBIDDEN', permission: 'bulk-ops-notes:write' });
    expect((await ok(auditor, `{ bulkOpsNotes(first: 10) { edges { node { id } } } }`)).bulkOpsNotes.edges).toEqual([]);
  });

  it('does not return another tenant’s note', async () => {
    const acme = platform.as(tenantName('acme'));
    const bravo = platform.as(tenantName('bravo'));
    const id = await createNote(acme, { title: 'Private' });
    expect((await ok(bravo, `query($id: ID!) { bulkOpsNote(id: $id) { id } }`, { id })).bulkOpsNote).toBeNull();
    expect((await ok(bravo, `{ bulkOpsNotes(first: 10) { edges { node { id } } } }`)).bulkOpsNotes.edges).toEqual([]);
  });
});
