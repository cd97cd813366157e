// Distributed-mode entry: `node main migrate` (Helm hook Job) or `node main` (the subgraph).
import { startTelemetry } from '@commonhold/kit/src/telemetry';
startTelemetry('volunteers', process.env.OTEL_EXPORTER_OTLP_ENDPOINT); // before pg/http load, so they are instrumented

import { runServiceMain } from '@commonhold/kit';
import { volunteersConfigSchema } from './config';
import { volunteersService } from './service';

runServiceMain(volunteersService, volunteersConfigSchema).catch((err) => {
  console.error(err);
  process.exit(1);
});
