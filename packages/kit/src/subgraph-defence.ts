import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import type { Principal } from './auth';

/**
 * A subgraph's own limits. A direct call with a valid token skips the gateway, so the subgraph
 * refuses what the gateway would (depth, aliases, cost, tokens, directives) with a little
 * headroom: the gateway's query plans re-nest entity fetches (`_entities { … on Gift { … } }`).
 */
export const SUBGRAPH_LIMITS = { maxDepth: 16, maxAliases: 30, maxCost: 10_000, maxTokens: 6000, maxDirectives: 50 };

/** The role a composition tool's token carries to read `_service { sdl }` in production. */
export const COMPOSITION_ROLE = 'composition';

/** graphql-armor rules and plugins for a subgraph, plus Apollo parse options (token limit). */
export function subgraphProtection(production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: SUBGRAPH_LIMITS.maxDepth },
    maxAliases: { n: SUBGRAPH_LIMITS.maxAliases },
    costLimit: { maxCost: SUBGRAPH_LIMITS.maxCost },
    // Armor's Apollo token plugin throws from parsingDidStart (every syntax error an HTTP 500);
    // graphql-js counts tokens in the real parse instead (parseOptions).
    maxTokens: { enabled: false },
    maxDirectives: { n: SUBGRAPH_LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: production },
  });
  const { validationRules, plugins } = armor.protect();
  return { validationRules, plugins, parseOptions: { maxTokens: SUBGRAPH_LIMITS.maxTokens } };
}

/**
 * In production `_service { sdl }` (the subgraph's full SDL, internal fields and all) answers only
 * composition tooling: a token carrying the `composition` role. Everyone else: FORBIDDEN (403).
 */
export function serviceSdlGuard<C extends { principal?: Principal }>(production: boolean): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (!production) return;
          const asksSdl = !!operation?.selectionSet.selections.some((s) => s.kind === 'Field' && s.name.value === '_service');
          if (asksSdl && !contextValue.principal?.roles.includes(COMPOSITION_ROLE)) {
            throw new GraphQLError('_service is answered only to composition tooling in production', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
          }
        },
      };
    },
  };
}
