/**
 * Enforcement of the permission matrix (permissions.ts) on a subgraph's schema: every root Query
 * and Mutation field and every `_entities` representation goes through `authorize` before its
 * resolver runs, so a refused operation writes nothing. Applied by `startService` to every subgraph.
 */
import { defaultFieldResolver, isObjectType, isUnionType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { AccessRules } from './module';
import { authorize, type Caller } from './permissions';

/** Root fields federation adds: `_entities` is checked per entity type, `_service` by serviceSdlGuard. */
const FEDERATION_FIELDS = new Set(['_entities', '_service']);

const callerOf = (ctx: unknown): Caller => {
  const principal = (ctx as { principal?: Caller } | undefined)?.principal;
  // The context always carries a verified principal; without one, nothing is granted.
  return principal ?? { roles: [], scope: 'global' };
};

/** Wraps the schema's root resolvers with the rules' checks (in place; returns the schema). */
export function guardSchema(schema: GraphQLSchema, access: AccessRules): GraphQLSchema {
  for (const kind of ['Query', 'Mutation'] as const) {
    const type = kind === 'Query' ? schema.getQueryType() : schema.getMutationType();
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name === '_service') continue;
      const inner: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      if (field.name === '_entities') {
        field.resolve = (source, args, ctx, info) => {
          const caller = callerOf(ctx);
          const types = new Set(((args as { representations?: { __typename?: string }[] }).representations ?? []).map((r) => String(r?.__typename)));
          for (const t of types) authorize(caller, `_entities(${t})`, access.entities[t]);
          return inner(source, args, ctx, info);
        };
        continue;
      }
      const operation = `${kind}.${field.name}`;
      const rule = access[kind][field.name];
      field.resolve = (source, args, ctx, info) => {
        authorize(callerOf(ctx), operation, rule);
        return inner(source, args, ctx, info);
      };
    }
  }
  return schema;
}

/** What a service's rules miss or declare in vain, against its schema. */
export interface AccessCoverage {
  /** Root fields, entity types: operations with no rule (refused at run time). */
  missing: string[];
  /** Rules naming an operation the schema does not have. */
  stale: string[];
}

/** Compares the rules with the operations of a built subgraph schema (`buildSubgraphSchema`). */
export function accessCoverage(schema: GraphQLSchema, access: AccessRules): AccessCoverage {
  const missing: string[] = [];
  const stale: string[] = [];
  for (const kind of ['Query', 'Mutation'] as const) {
    const type = kind === 'Query' ? schema.getQueryType() : schema.getMutationType();
    const fields = Object.keys(type?.getFields() ?? {}).filter((f) => !FEDERATION_FIELDS.has(f));
    missing.push(...fields.filter((f) => !access[kind][f]).map((f) => `${kind}.${f}`));
    stale.push(...Object.keys(access[kind]).filter((f) => !fields.includes(f)).map((f) => `${kind}.${f}`));
  }
  const entityUnion = schema.getType('_Entity');
  const entities = entityUnion && isUnionType(entityUnion) ? entityUnion.getTypes().filter(isObjectType).map((t) => t.name) : [];
  missing.push(...entities.filter((t) => !access.entities[t]).map((t) => `_entities(${t})`));
  stale.push(...Object.keys(access.entities).filter((t) => !entities.includes(t)).map((t) => `_entities(${t})`));
  return { missing, stale };
}
