// The availability burn-rate alerts under `promtool test rules` (scenarios in support/burn-scenarios.ts).
import { SCENARIOS, runScenario } from './support/burn-scenarios';

describe('availability burn-rate alerts (promtool test rules)', () => {
  it.each(SCENARIOS.map((s) => [s.title, s] as const))('%s', (_title, s) => runScenario('availability', s), 300_000);
});
