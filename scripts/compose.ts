// `npm run compose`: composes schemas/subgraphs/*.graphql into schemas/supergraph.graphql.
// `npm run compose -- --release` also moves the API baseline (schemas/api-baseline.graphql) to it,
// after which breaking changes are measured against the new release.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchema } from 'graphql';
import { apiSchema, breakingChanges, composeSupergraph, readSubgraphs, unacknowledged } from '../gateway/src/compose';

async function main() {
  const dir = join(__dirname, '..', 'schemas');
  const supergraph = composeSupergraph(readSubgraphs(dir));
  const baselineFile = join(dir, 'api-baseline.graphql');
  const api = apiSchema(supergraph);
  if (existsSync(baselineFile)) {
    const { buildSchema } = await import('graphql');
    const breaking = unacknowledged(await breakingChanges(buildSchema(readFileSync(baselineFile, 'utf8')), api), readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'));
    if (breaking.length) {
      console.error('Unacknowledged breaking changes (name each path in schemas/CHANGELOG.md):');
      for (const b of breaking) console.error(`  - ${b.path}: ${b.message}`);
      process.exitCode = 1;
    }
  }
  writeFileSync(join(dir, 'supergraph.graphql'), supergraph);
  console.log(`wrote schemas/supergraph.graphql (${supergraph.length} bytes)`);
  if (process.argv.includes('--release') || !existsSync(baselineFile)) {
    writeFileSync(baselineFile, printSchema(api) + '\n');
    console.log('wrote schemas/api-baseline.graphql');
  }
}
main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
