// The latency burn-rate alerts under `promtool test rules` (scenarios in support/burn-scenarios.ts),
// plus the check that each service is held to its own latency budget.
import { PER_SERVICE_BUDGET, SCENARIOS, runScenario } from './support/burn-scenarios';

describe('latency burn-rate alerts (promtool test rules)', () => {
  it.each([...SCENARIOS, PER_SERVICE_BUDGET].map((s) => [s.title, s] as const))('%s', (_title, s) => runScenario('latency', s), 300_000);
});
