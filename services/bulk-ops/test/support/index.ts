// Shared support for bulk-ops's tests: its factories and the GraphQL operations most specs use,
// instead of a copy in each spec file (the generic helpers come from @commonhold/testing).
import { idempotencyKey, ok, type As } from '@commonhold/testing/src/support';

export { idempotencyKey, ok, refused, tenantName, type As } from '@commonhold/testing/src/support';

export const CREATE_NOTE = `mutation($input: CreateBulkOpsNoteInput!) { createBulkOpsNote(input: $input) { note { id title createdAt } } }`;

/** `createBulkOpsNote` input; `overrides` replace any field. */
export function buildNote(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: 'Fix the lift', idempotencyKey: idempotencyKey(), ...overrides };
}

/** Creates a note through the gateway (see `buildNote`); returns its id. */
export async function createNote(as: As, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await ok(as, CREATE_NOTE, { input: buildNote(overrides) })).createBulkOpsNote.note.id as string;
}
