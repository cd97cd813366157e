import { defineModule } from '@commonhold/kit';
import { contactMatchConsumer } from './contact-match-requested.consumer';

/** Commands other services send about people (volunteers' public sign-ups): match or create the contact. No GraphQL of its own. */
export const contactMatchingModule = defineModule({
  name: 'contact-matching',
  consumers: (rt) => [contactMatchConsumer(rt)],
});
