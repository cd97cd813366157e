import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { defaultSchemasDir } from './event-registry';

/**
 * Reads one SDL source: a `.graphql` file, or a directory whose `*.graphql` files are joined in
 * name order (a large subgraph keeps one file per module, each extending `Query`/`Mutation`).
 */
export function readSdlSource(path: string): string {
  if (!statSync(path).isDirectory()) return readFileSync(path, 'utf8');
  return readdirSync(path)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => `# --- ${f}\n${readFileSync(join(path, f), 'utf8').trimEnd()}\n`)
    .join('\n');
}

/**
 * A subgraph's SDL lives in `schemas/subgraphs/<name>.graphql` or, split by module, in
 * `schemas/subgraphs/<name>/*.graphql`: the contract the supergraph composes.
 */
export function loadSubgraphSdl(name: string): DocumentNode {
  const dir = join(defaultSchemasDir(), 'subgraphs');
  const single = join(dir, `${name}.graphql`);
  let path = join(dir, name);
  try {
    statSync(single);
    path = single;
  } catch {
    /* split into a directory */
  }
  return parse(readSdlSource(path));
}
