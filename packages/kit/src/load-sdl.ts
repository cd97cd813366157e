import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { defaultSchemasDir } from './event-registry';

/** A subgraph's SDL lives in `schemas/subgraphs/<name>.graphql`, the contract the supergraph composes. */
export function loadSubgraphSdl(name: string): DocumentNode {
  return parse(readFileSync(join(defaultSchemasDir(), 'subgraphs', `${name}.graphql`), 'utf8'));
}
