// collections through the gateway on real PostgreSQL and the in-process bus: the example module's
// use case, idempotency, bad input, the event's consumer, and tenant isolation.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

let platform: TestPlatform;
const CREATE = `mutation($input: CreateCollectionsNoteInput!) { createCollectionsNote(input: $input) { note { id title createdAt } } }`;
const key = () => `k-${randomUUID()}`;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
}, 120_000);
afterAll(async () => platform?.stop());

describe('collections notes', () => {
  it('creates a note once under one idempotency key, reads it back, pages and counts it', async () => {
    const acme = platform.as(`acme-${randomUUID()}`);
    const input = { title: '  Fix the lift ', idempotencyKey: key() };
    const first = await acme(CREATE, { input });
    expect(first.errors).toBeUndefined();
    const note = first.data.createCollectionsNote.note;
    expect(note.title).toBe('Fix the lift');
    expect((await acme(CREATE, { input })).data.createCollectionsNote.note.id).toBe(note.id);
    const conflict = await acme(CREATE, { input: { ...input, title: 'Other' } });
    expect(conflict.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');

    expect((await acme(`query($id: ID!) { collectionsNote(id: $id) { id title } }`, { id: note.id })).data.collectionsNote).toEqual({ id: note.id, title: 'Fix the lift' });
    const page = await acme(`{ collectionsNotes(first: 10) { edges { node { id } } pageInfo { hasNextPage } } }`);
    expect(page.data.collectionsNotes).toEqual({ edges: [{ node: { id: note.id } }], pageInfo: { hasNextPage: false } });
    // The consumer counted it from the event, once.
    await eventually(async () => (await acme('{ collectionsNoteCount }')).data?.collectionsNoteCount === 1);
  });

  it('refuses a blank title naming the field, writing nothing', async () => {
    const acme = platform.as(`acme-${randomUUID()}`);
    const r = await acme(CREATE, { input: { title: '   ', idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect((await acme(`{ collectionsNotes(first: 10) { edges { node { id } } } }`)).data.collectionsNotes.edges).toEqual([]);
  });

  it('does not return another tenant’s note', async () => {
    const acme = platform.as(`acme-${randomUUID()}`);
    const bravo = platform.as(`bravo-${randomUUID()}`);
    const id = (await acme(CREATE, { input: { title: 'Private', idempotencyKey: key() } })).data.createCollectionsNote.note.id;
    expect((await bravo(`query($id: ID!) { collectionsNote(id: $id) { id } }`, { id })).data.collectionsNote).toBeNull();
    expect((await bravo(`{ collectionsNotes(first: 10) { edges { node { id } } } }`)).data.collectionsNotes.edges).toEqual([]);
  });
});
