import { defineModule, type ConsumerDefinition } from '@commonhold/kit';
import { chargeCommandConsumer } from './charge-command.consumer';
import { reminderCommandConsumer } from './reminder-command.consumer';

/** One consumer group for every command topic: the handlers of each, side by side. */
const merged = (...defs: ConsumerDefinition[]): ConsumerDefinition => ({
  group: defs[0]!.group,
  topics: defs.flatMap((d) => d.topics),
  handlers: Object.assign({}, ...defs.map((d) => d.handlers)),
});

/** Commands other services send collections as events (bulk-ops' charge and reminder commands); no GraphQL of its own. */
export const bulkCommandsModule = defineModule({
  name: 'bulk-commands',
  consumers: (rt) => [merged(chargeCommandConsumer(rt), reminderCommandConsumer(rt))],
});
