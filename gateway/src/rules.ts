// The gateway's pure rules: no sockets, no Apollo, no Express. Wiring lives in gateway.ts.
import type { OperationDefinitionNode } from 'graphql';
import { SERVICE_REGISTRY } from '@commonhold/kit/src/registry.generated';

export interface GatewayLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
}

export const DEFAULT_LIMITS: GatewayLimits = { maxDepth: 12, maxCost: 5000, maxAliases: 15, maxTokens: 3000 };

/** Each subgraph's `passthroughRoutes` from its service.json (pure data from the generated registry). */
export const DEFAULT_PASSTHROUGH = SERVICE_REGISTRY.flatMap((s) => s.passthroughRoutes.map((prefix) => ({ prefix, subgraph: s.name as string })));

/** Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1). */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** Each subgraph's routing URL as composed into the supergraph (`@join__graph(name:, url:)`). */
export function supergraphUrls(supergraphSdl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) out[m[1]!] = m[2]!;
  return out;
}

/**
 * The `operation` label of a request's metrics: bounded by the schema, never by what clients
 * send. A resolved operation is labelled by its type and first root field (`query:contacts`);
 * anything that never resolved (parse or validation failure) is `other`. Client-chosen
 * operation names are not used: 200 made-up names would be 200 new series.
 */
export function operationLabel(operation: Pick<OperationDefinitionNode, 'operation' | 'selectionSet'> | undefined | null): string {
  if (!operation) return 'other';
  const first = operation.selectionSet.selections.find((s) => s.kind === 'Field');
  return first && first.kind === 'Field' ? `${operation.operation}:${first.name.value}` : `${operation.operation}:other`;
}

/**
 * The W3C traceparent for subgraph calls: the active span's when one exists, else a new span id
 * under the caller's trace (or a new trace).
 */
export function traceparentFor(
  active: { traceId: string; spanId: string; traceFlags: number } | undefined,
  incoming: string | string[] | undefined,
  randomHex: (bytes: number) => string,
): string {
  if (active && active.traceId !== '0'.repeat(32)) return `00-${active.traceId}-${active.spanId}-0${active.traceFlags.toString(16)}`;
  const inc = Array.isArray(incoming) ? incoming[0] : incoming;
  const m = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(inc ?? '');
  return `00-${m?.[1] ?? randomHex(16)}-${randomHex(8)}-${m?.[2] ?? '01'}`;
}
