import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type express from 'express';
import type { EntitySchema } from 'typeorm';
import type { ConsumerDefinition, RequestContext, ServiceRuntime } from '@commonhold/kit';

/** One part of the fundraising subgraph: its resolvers, tables, consumers and HTTP routes. */
export interface FundraisingModule {
  name: string;
  resolvers: GraphQLResolverMap<RequestContext>;
  entities?: EntitySchema[];
  migrations?: Function[];
  consumers?: (rt: ServiceRuntime) => ConsumerDefinition[];
  routes?: (app: express.Express, rt: ServiceRuntime) => void;
}

/**
 * Merges modules' resolver maps type by type. Two modules resolving the same field is a wiring
 * mistake and throws at start-up rather than silently letting one win.
 */
export function mergeResolvers(maps: GraphQLResolverMap<RequestContext>[]): GraphQLResolverMap<RequestContext> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      if (typeof fields !== 'object' || fields === null || !Object.getPrototypeOf(fields) || Object.getPrototypeOf(fields) !== Object.prototype) {
        // A scalar (GraphQLScalarType instance) is taken whole.
        if (out[type] && out[type] !== fields) throw new Error(`Resolver ${type} is defined by two modules`);
        out[type] = fields as Record<string, unknown>;
        continue;
      }
      const target = (out[type] ??= {});
      for (const [field, fn] of Object.entries(fields)) {
        if (field in target) throw new Error(`Resolver ${type}.${field} is defined by two modules`);
        target[field] = fn;
      }
    }
  }
  return out as GraphQLResolverMap<RequestContext>;
}
