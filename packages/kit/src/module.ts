import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type express from 'express';
import type { EntitySchema } from 'typeorm';
import type { AuditCheck } from './audit-check';
import type { ConsumerDefinition } from './consumer';
import type { AccessRule, Rule } from './permissions';
import type { RequestContext, RouteCleanup, ServiceDefinition, ServiceRuntime } from './server';

export type Resolvers = GraphQLResolverMap<RequestContext>;

/**
 * One part of a subgraph (`src/modules/<name>/index.ts`): its resolvers, tables, migrations,
 * consumers and extra HTTP routes. A service is its modules composed (`composeModules`).
 */
export interface ServiceModule {
  name: string;
  resolvers?: Resolvers;
  entities?: (EntitySchema | Function)[];
  migrations?: Function[];
  consumers?: (rt: ServiceRuntime) => ConsumerDefinition[];
  routes?: (app: express.Express, rt: ServiceRuntime) => void | RouteCleanup;
  /** Its financial side effects' audit completeness checks (audit-check.ts). */
  auditChecks?: AuditCheck[];
  /**
   * The permission each of the module's operations needs (permissions.ts): its root `Query` and
   * `Mutation` fields, the entity types it resolves for other subgraphs (`_entities`), and its
   * plain-HTTP routes that act for a user (`'POST /imports'`). An operation without a rule is
   * refused, and a unit test fails while one is missing.
   */
  permissions?: ModulePermissions;
  /**
   * Whether callers with a narrow scope (buildings, apartments, a vendor) may call the module's
   * operations: `'refused'` (the default) when its data is not keyed by them; `'fenced'` when the
   * module narrows what they see itself: `scopeRlsSql` on every table it reads (row-level security),
   * or rows that belong to the caller alone (its own sessions), with scope checks before writes.
   */
  scopedCallers?: 'refused' | 'fenced';
}

/**
 * An operation's rule: the permission alone (the module's `scopedCallers` applies), or with its own
 * `scopedCallers` where one operation of a module differs — e.g. "my sessions" serves a
 * building-scoped member (the rows are the caller's own) while the tenant-wide list beside it does not.
 */
export type OperationRule = Rule | { rule: Rule; scopedCallers: 'refused' | 'fenced' };

export interface ModulePermissions {
  Query?: Record<string, OperationRule>;
  Mutation?: Record<string, OperationRule>;
  /** Entity type → rule for `_entities` representations of that type. */
  entities?: Record<string, OperationRule>;
  /** `'<METHOD> <path>'` → rule, checked by `rt.authorizeRoute` in the route. */
  routes?: Record<string, OperationRule>;
}

/** Every operation of a service with the rule it declared (composed from its modules). */
export interface AccessRules {
  Query: Record<string, AccessRule>;
  Mutation: Record<string, AccessRule>;
  entities: Record<string, AccessRule>;
  routes: Record<string, AccessRule>;
}

const ACCESS_KINDS = ['Query', 'Mutation', 'entities', 'routes'] as const;

/** Gathers the modules' rules; a rule declared twice is a wiring mistake, as for resolvers. */
export function composeAccessRules(modules: readonly Pick<ServiceModule, 'name' | 'permissions' | 'scopedCallers'>[]): AccessRules {
  const out: AccessRules = { Query: {}, Mutation: {}, entities: {}, routes: {} };
  for (const m of modules) {
    for (const kind of ACCESS_KINDS) {
      for (const [op, declared] of Object.entries(m.permissions?.[kind] ?? {})) {
        if (op in out[kind]) throw new Error(`Permission rule ${kind}.${op} is declared by two modules (${out[kind][op]!.module}, ${m.name})`);
        const { rule, scopedCallers } = typeof declared === 'string' ? { rule: declared, scopedCallers: m.scopedCallers } : declared;
        out[kind][op] = { rule, scopedCallers: scopedCallers === 'fenced', module: m.name };
      }
    }
  }
  return out;
}

const MODULE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a module (checks its name is kebab-case; returns it unchanged, typed). */
export function defineModule<M extends ServiceModule>(module: M): M {
  if (!MODULE_NAME.test(module.name)) throw new Error(`Module name "${module.name}" must be kebab-case (e.g. gift-aid)`);
  return module;
}

/**
 * Merges resolver maps type by type. Two maps resolving the same field is a wiring mistake and
 * throws at start-up rather than silently letting one win.
 */
export function mergeResolvers(maps: Resolvers[]): Resolvers {
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
  return out as Resolvers;
}

/** What a ServiceDefinition takes from its modules. */
export type ComposedModules = Required<Pick<ServiceDefinition, 'resolvers' | 'consumers' | 'routes' | 'auditChecks' | 'access'>> & {
  entities: (EntitySchema | Function)[];
  migrations: Function[];
};

/**
 * Assembles a service's resolvers, entities, migrations, consumers and routes from its modules, in
 * module order. `base` holds what belongs to no module (shared scalars, the first migrations, and
 * the permissions of the resolvers it brings). Module names must be unique and neither resolvers
 * nor permission rules may overlap.
 *
 *     export const service: ServiceDefinition = { name, typeDefs, ...composeModules(modules, { migrations: [KitTables…] }) };
 */
export function composeModules(
  modules: readonly ServiceModule[],
  base: { resolvers?: Resolvers[]; entities?: (EntitySchema | Function)[]; migrations?: Function[]; permissions?: ModulePermissions; scopedCallers?: 'refused' | 'fenced' } = {},
): ComposedModules {
  const seen = new Set<string>();
  for (const m of modules) {
    if (seen.has(m.name)) throw new Error(`Module ${m.name} is listed twice`);
    seen.add(m.name);
  }
  return {
    resolvers: mergeResolvers([...(base.resolvers ?? []), ...modules.map((m) => m.resolvers ?? {})]),
    access: composeAccessRules([{ name: '(service)', permissions: base.permissions, scopedCallers: base.scopedCallers }, ...modules]),
    entities: [...(base.entities ?? []), ...modules.flatMap((m) => m.entities ?? [])],
    migrations: [...(base.migrations ?? []), ...modules.flatMap((m) => m.migrations ?? [])],
    consumers: (rt) => modules.flatMap((m) => m.consumers?.(rt) ?? []),
    auditChecks: modules.flatMap((m) => m.auditChecks ?? []),
    routes: (app, rt) => {
      const cleanups = modules.map((m) => m.routes?.(app, rt)).filter((c): c is RouteCleanup => typeof c === 'function');
      return async () => {
        for (const c of cleanups) await c();
      };
    },
  };
}
