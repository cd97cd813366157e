import { defineModule, type ConsumerDefinition } from '@commonhold/kit';
import { onContactCreated } from './contact-created.consumer';
import { onContactErased } from './contact-erased.consumer';
import { KnownContactEntity } from './known-contact.entity';

/** The consumer group keeps its name across releases: renaming it would re-read the topic from the start. */
export const contactProjectionConsumer: ConsumerDefinition = {
  group: 'volunteers.contact-projection',
  topics: ['fundraising.contact'],
  handlers: {
    'commonhold.fundraising.contact.created.v1': onContactCreated,
    'commonhold.fundraising.contact.erased.v1': onContactErased,
  },
};

/** Contacts: volunteers' projection of fundraising's contacts (created, erased). */
export const contactsModule = defineModule({
  name: 'contacts',
  entities: [KnownContactEntity],
  consumers: () => [contactProjectionConsumer],
});
