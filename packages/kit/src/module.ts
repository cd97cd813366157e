import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type express from 'express';
import type { EntitySchema } from 'typeorm';
import type { AuditCheck } from './audit-check';
import type { ConsumerDefinition } from './consumer';
import type { RequestContext, ServiceDefinition, ServiceRuntime } from './server';

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
  routes?: (app: express.Express, rt: ServiceRuntime) => void;
  /** Its financial side effects' audit completeness checks (audit-check.ts). */
  auditChecks?: AuditCheck[];
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
export type ComposedModules = Required<Pick<ServiceDefinition, 'resolvers' | 'consumers' | 'routes' | 'auditChecks'>> & {
  entities: (EntitySchema | Function)[];
  migrations: Function[];
};

/**
 * Assembles a service's resolvers, entities, migrations, consumers and routes from its modules, in
 * module order. `base` holds what belongs to no module (shared scalars, the first migrations).
 * Module names must be unique and resolvers must not overlap.
 *
 *     export const service: ServiceDefinition = { name, typeDefs, ...composeModules(modules, { migrations: [KitTables…] }) };
 */
export function composeModules(modules: readonly ServiceModule[], base: { resolvers?: Resolvers[]; entities?: (EntitySchema | Function)[]; migrations?: Function[] } = {}): ComposedModules {
  const seen = new Set<string>();
  for (const m of modules) {
    if (seen.has(m.name)) throw new Error(`Module ${m.name} is listed twice`);
    seen.add(m.name);
  }
  return {
    resolvers: mergeResolvers([...(base.resolvers ?? []), ...modules.map((m) => m.resolvers ?? {})]),
    entities: [...(base.entities ?? []), ...modules.flatMap((m) => m.entities ?? [])],
    migrations: [...(base.migrations ?? []), ...modules.flatMap((m) => m.migrations ?? [])],
    consumers: (rt) => modules.flatMap((m) => m.consumers?.(rt) ?? []),
    auditChecks: modules.flatMap((m) => m.auditChecks ?? []),
    routes: (app, rt) => {
      for (const m of modules) m.routes?.(app, rt);
    },
  };
}
