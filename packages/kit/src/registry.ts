import type { FeatureFlag } from './config';
import { SERVICE_REGISTRY, type RegisteredService } from './registry.generated';

export { SERVICE_REGISTRY, SERVICE_FEATURE_FLAGS, type RegisteredService, type ServiceName } from './registry.generated';

/** The registry entry of a deployable, or undefined for a name that is not registered (a test's ad-hoc service). */
export function registeredService(name: string): RegisteredService | undefined {
  return SERVICE_REGISTRY.find((s) => s.name === name);
}

/** The kill switch a registered subgraph declared in its service.json. */
export function serviceFeatureFlag(name: string): FeatureFlag | undefined {
  return (registeredService(name)?.featureFlag ?? undefined) as FeatureFlag | undefined;
}

/** Plain-HTTP prefixes the gateway passes through, each to the subgraph that declared it. */
export function passthroughRoutes(): { prefix: string; subgraph: string }[] {
  return SERVICE_REGISTRY.flatMap((s) => s.passthroughRoutes.map((prefix) => ({ prefix, subgraph: s.name })));
}
