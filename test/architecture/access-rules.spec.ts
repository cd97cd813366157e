// Deny by default, kept honest: every root Query/Mutation field and entity type of every subgraph
// (from the platform's service list, so a new subgraph is checked from its first commit) declares
// the permission it needs, no rule names an operation that is gone, every permission a role is
// granted is needed by some operation, and docs/security/roles.md is the matrix as code has it.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { accessCoverage, AUTHENTICATED, PERMISSION_PATTERN, ROLE_GRANTS, ROLES } from '@commonhold/kit';
import { SERVICES } from '@commonhold/platform/src/services.generated';
import { declaredOperations, ROLES_DOC, rolesMarkdown } from '../../scripts/roles-doc';
import { loadRegistry, subgraphs } from '../../scripts/platform/registry';

describe('permission rules', () => {
  it('cover every registered subgraph', () => {
    expect(SERVICES.map((s) => s.def.name).sort()).toEqual(subgraphs(loadRegistry()).map((s) => s.name).sort());
  });

  describe.each(SERVICES.map((s) => [s.def.name, s.def] as const))('%s', (_name, def) => {
    const schema = buildSubgraphSchema({ typeDefs: def.typeDefs, resolvers: def.resolvers as GraphQLResolverMap<unknown> });

    it('declares a permission for every root field and entity type of its SDL, and none for operations it does not have', () => {
      expect(accessCoverage(schema, def.access)).toEqual({ missing: [], stale: [] });
    });

    it('names permissions as <resource>:<action>', () => {
      const rules = declaredOperations([def]).map(([, op, r]) => [op, r.rule] as const);
      expect(rules.filter(([, r]) => r !== AUTHENTICATED && !PERMISSION_PATTERN.test(r))).toEqual([]);
    });
  });

  it('grants no permission that no operation needs (a typo in the matrix would otherwise grant nothing, silently)', () => {
    const needed = new Set(declaredOperations().map(([, , r]) => r.rule));
    const dead = ROLES.flatMap((role) => ROLE_GRANTS[role].grants.filter((g) => g !== '*' && g !== '*:read' && !needed.has(g)).map((g) => `${role}: ${g}`));
    expect(dead).toEqual([]);
  });

  it('keeps docs/security/roles.md generated from the code (npm run docs:roles)', () => {
    expect(readFileSync(ROLES_DOC, 'utf8')).toBe(rolesMarkdown());
  });
});
