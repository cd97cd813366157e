// NC-NFR-02 over the whole composed API (issue 9 item 13, static part): every mutation of every
// subgraph takes an idempotency key — as an argument or a field of its input — unless it is
// listed below as naturally idempotent, with the reason. It reads schemas/supergraph.graphql, so
// a new subgraph's mutations are covered the moment it composes; nothing to write per subgraph.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getNamedType, isInputObjectType, type GraphQLField } from 'graphql';
import { defaultSchemasDir } from '@commonhold/kit';
import { apiSchema } from '../../gateway/src/compose';

/** Mutations whose repetition has no further effect, and why. Keep it short; each needs a reason. */
export const NATURALLY_IDEMPOTENT: Record<string, string> = {};

const KEY = 'idempotencyKey';

function takesKey(field: GraphQLField<unknown, unknown>): boolean {
  return field.args.some((a) => {
    if (a.name === KEY) return true;
    const t = getNamedType(a.type);
    return isInputObjectType(t) && KEY in t.getFields() && getNamedType(t.getFields()[KEY]!.type).name === 'String';
  });
}

describe('idempotency keys on every mutation of the supergraph', () => {
  const schema = apiSchema(readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'));
  const mutations = Object.values(schema.getMutationType()?.getFields() ?? {});

  it('finds the mutations of every subgraph (the enumeration works)', () => {
    expect(mutations.length).toBeGreaterThan(20);
    expect(mutations.map((m) => m.name)).toEqual(expect.arrayContaining(['recordGift', 'registerVolunteer']));
  });

  it.each(mutations.map((m) => [m.name, m] as const))('%s takes an idempotency key or is listed as naturally idempotent', (name, field) => {
    if (NATURALLY_IDEMPOTENT[name]) return;
    expect({ mutation: name, takesIdempotencyKey: takesKey(field) }).toEqual({ mutation: name, takesIdempotencyKey: true });
  });

  it('lists only mutations that exist, each with a reason', () => {
    for (const [name, reason] of Object.entries(NATURALLY_IDEMPOTENT)) {
      expect(mutations.map((m) => m.name)).toContain(name);
      expect(reason.length).toBeGreaterThan(10);
    }
  });
});
