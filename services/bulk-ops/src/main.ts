// Distributed-mode entry: `node main migrate` (Helm hook Job) or `node main` (the subgraph).
import './instrument'; // first: telemetry patches modules as they load

import { runServiceMain } from '@commonhold/kit';
import { bulkOpsConfigSchema } from './config';
import { bulkOpsService } from './service';

runServiceMain(bulkOpsService, bulkOpsConfigSchema).catch((err) => {
  console.error(err);
  process.exit(1);
});
