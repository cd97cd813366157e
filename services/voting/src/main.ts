// Distributed-mode entry: `node main migrate` (Helm hook Job) or `node main` (the subgraph).
import './instrument'; // first: telemetry patches modules as they load

import { runServiceMain } from '@commonhold/kit';
import { votingConfigSchema } from './config';
import { votingService } from './service';

runServiceMain(votingService, votingConfigSchema).catch((err) => {
  console.error(err);
  process.exit(1);
});
