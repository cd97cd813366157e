import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, parse, printSchema, type GraphQLSchema } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { readSdlSource } from '@commonhold/kit';

export interface SubgraphEntry {
  name: string;
  url: string;
  sdl: string;
}

/** Reads `schemas/subgraphs.json` and each subgraph's SDL (a file, or a directory of module files). */
export function readSubgraphs(schemasDir: string): SubgraphEntry[] {
  const index = JSON.parse(readFileSync(join(schemasDir, 'subgraphs.json'), 'utf8')) as Record<string, { url: string; sdl: string }>;
  return Object.entries(index)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({ name, url: e.url, sdl: readSdlSource(join(schemasDir, e.sdl)) }));
}

/** Composes the supergraph with @apollo/composition; throws with every composition error listed. */
export function composeSupergraph(subgraphs: SubgraphEntry[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors?.length || !result.supergraphSdl) {
    throw new Error(`Composition failed:\n${(result.errors ?? []).map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

/** The client-facing API schema of a supergraph (what a breaking change would break). */
export function apiSchema(supergraphSdl: string): GraphQLSchema {
  return buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema()));
}

export interface BreakingChange {
  path: string;
  message: string;
}

/** Breaking changes from `before` to `after` API schema (graphql-inspector's criticality). */
export async function breakingChanges(before: GraphQLSchema, after: GraphQLSchema): Promise<BreakingChange[]> {
  const changes = await diff(before, after);
  return changes
    .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
    .map((c) => ({ path: c.path ?? c.type, message: c.message }));
}

/**
 * A breaking change is acknowledged when `schemas/CHANGELOG.md` names its path in backticks, e.g.
 * "- BREAKING `Gift.amount`: …". Returns the unacknowledged ones.
 */
export function unacknowledged(changes: BreakingChange[], changelog: string): BreakingChange[] {
  const named = new Set(codeSpans(changelog));
  return changes.filter((c) => !named.has(c.path));
}

/**
 * Markdown code spans (CommonMark): a run of n backticks closes at the next run of exactly n, an
 * unmatched run is literal. Pairing single backticks naively lets one ``…`…`…`` example shift
 * every later span, so paths named below it are missed.
 */
function codeSpans(markdown: string): string[] {
  const spans: string[] = [];
  const open = /`+/g;
  for (let m = open.exec(markdown); m; m = open.exec(markdown)) {
    const close = new RegExp(`(?<!\`)${m[0]}(?!\`)`, 'g');
    close.lastIndex = open.lastIndex;
    const end = close.exec(markdown);
    if (!end) continue;
    spans.push(markdown.slice(open.lastIndex, end.index).replace(/\s+/g, ' ').trim());
    open.lastIndex = end.index + m[0].length;
  }
  return spans;
}
