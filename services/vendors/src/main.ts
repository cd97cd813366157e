// Distributed-mode entry: `node main migrate` (Helm hook Job) or `node main` (the subgraph).
import './instrument'; // first: telemetry patches modules as they load

import { runServiceMain } from '@commonhold/kit';
import { vendorsConfigSchema } from './config';
import { vendorsService } from './service';

runServiceMain(vendorsService, vendorsConfigSchema).catch((err) => {
  console.error(err);
  process.exit(1);
});
