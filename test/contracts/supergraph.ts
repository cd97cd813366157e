// The composed supergraph as the contract tests read it: its operations, entities and which
// subgraph owns what, plus each subgraph's contract samples (services/<name>/test/contracts.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getNamedType, isEnumType, isNonNullType, isObjectType, isScalarType, type GraphQLField, type GraphQLObjectType, type GraphQLOutputType } from 'graphql';
import { defaultSchemasDir } from '@commonhold/kit';
import type { ServiceContracts } from '@commonhold/testing/src/contracts';
import { apiSchema } from '../../gateway/src/compose';
import { loadRegistry, REPO_ROOT, subgraphs } from '../../scripts/platform/registry';

export const supergraph = readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8');
export const schema = apiSchema(supergraph);

/** Subgraph name by the supergraph's join__Graph enum value (FUNDRAISING → fundraising). */
const graphNames: Record<string, string> = Object.fromEntries([...supergraph.matchAll(/(\w+) @join__graph\(name: "([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));

/**
 * A selection of every argument-free field down to `depth`: with `scalars: 'ids'` only ids (what a
 * tenant could leak), with `'all'` every scalar (to compare whole answers).
 */
export function selection(type: GraphQLOutputType, depth: number, scalars: 'ids' | 'all' = 'ids'): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (!isObjectType(named) || depth === 0) return '{ __typename }';
  const parts = ['__typename'];
  for (const f of Object.values((named as GraphQLObjectType).getFields())) {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const leaf = getNamedType(f.type);
    if (isScalarType(leaf) || isEnumType(leaf)) {
      if (f.name === 'id' || scalars === 'all') parts.push(f.name);
      continue;
    }
    parts.push(`${f.name} ${selection(f.type, depth - 1, scalars)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

export const canCallBare = (f: GraphQLField<unknown, unknown>) => f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined);
export const takesOneId = (f: GraphQLField<unknown, unknown>) => {
  const required = f.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  return required.length === 1 && getNamedType(required[0]!.type).name === 'ID';
};

/** Every entity type with `@key(fields: "id")` per subgraph, from the supergraph's join directives. */
export function entities(): { graph: string; type: string }[] {
  const out: { graph: string; type: string }[] = [];
  for (const m of supergraph.matchAll(/type (\w+)((?:\s*@join__\w+\([^)]*\))+)/g)) {
    for (const j of m[2]!.matchAll(/@join__type\(graph: (\w+), key: "id"/g)) out.push({ graph: graphNames[j[1]!]!, type: m[1]! });
  }
  return out;
}

/** The selection of the fields `graph` itself resolves on `type` (from @join__field), or undefined. */
export function ownedFields(graph: string, type: string): string | undefined {
  const enumName = Object.entries(graphNames).find(([, n]) => n === graph)?.[0];
  const block = new RegExp(`\\ntype ${type}\\b[^{]*\\{([^}]*)\\}`).exec(supergraph)?.[1] ?? '';
  const apiType = schema.getType(type) as GraphQLObjectType | undefined;
  const parts: string[] = [];
  for (const line of block.split('\n')) {
    const m = /^\s+(\w+)(\([^)]*\))?:/.exec(line);
    if (!m || m[1] === 'id') continue;
    const joins = [...line.matchAll(/@join__field\(graph: (\w+)/g)].map((j) => j[1]);
    if (joins.length && !joins.includes(enumName)) continue;
    if (/external: true/.test(line)) continue;
    const f = apiType?.getFields()[m[1]!];
    if (!f || f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    // Nested types may carry other graphs' fields: `__typename` is all this graph surely answers.
    parts.push(`${f.name} ${selection(f.type, 0)}`);
  }
  return parts.length ? `{ id ${parts.join(' ')} }` : undefined;
}

/** Every `id` value anywhere in a response. */
export function idsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => idsIn(v, into));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) k === 'id' && typeof v === 'string' ? into.add(v) : idsIn(v, into);
  return into;
}

/** The subgraph that resolves each mutation (from its `@join__field(graph: …)`). */
export function mutationOwners(): Record<string, string> {
  const block = /\ntype Mutation\b[^{]*\{([\s\S]*?)\n\}/.exec(supergraph)?.[1] ?? '';
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/^\s+(\w+)\(.*@join__field\(graph: (\w+)\)/gm)) out[m[1]!] = graphNames[m[2]!]!;
  return out;
}

/** Each subgraph's contract samples, by subgraph name (null where the file is missing). */
export function serviceContracts(): Record<string, ServiceContracts | null> {
  const out: Record<string, ServiceContracts | null> = {};
  for (const { name } of subgraphs(loadRegistry())) {
    const file = join(REPO_ROOT, 'services', name, 'test', 'contracts.ts');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    out[name] = existsSync(file) ? (require(file) as { contracts: ServiceContracts }).contracts : null;
  }
  return out;
}
