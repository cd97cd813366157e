// Hive Gateway (the peer in `npm run bench -- gateway` and test/e2e/hive-gateway.e2e-spec.ts) at
// its defaults, with only what our supergraph needs to be served like ours: the caller's bearer
// token, request id and trace context forwarded to every subgraph. BENCH_HIVE_DEDUPE=false turns
// off its in-flight deduplication of subgraph requests (on by default in Hive), for a like-for-like
// comparison with our gateway's DEDUPE_SUBGRAPH_FETCHES=false.
import { defineConfig } from '@graphql-hive/gateway';

const FORWARDED = ['authorization', 'x-request-id', 'traceparent'];

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => Object.fromEntries(FORWARDED.map((h) => [h, request.headers.get(h)]).filter(([, v]) => v)),
  },
  ...(process.env.BENCH_HIVE_DEDUPE === 'false' ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } } : {}),
  logging: 'warn',
});
