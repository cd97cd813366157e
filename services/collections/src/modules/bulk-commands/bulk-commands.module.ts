import { defineModule } from '@commonhold/kit';
import { chargeCommandConsumer } from './charge-command.consumer';

/** Commands other services send collections as events (bulk-ops' charge commands); no GraphQL of its own. */
export const bulkCommandsModule = defineModule({
  name: 'bulk-commands',
  consumers: (rt) => [chargeCommandConsumer(rt)],
});
