import { defineModule } from '@commonhold/kit';
import { ContactEntity } from './contact.entity';
import { contactResolvers } from './contacts.resolvers';

export const contactsModule = defineModule({
  name: 'contacts',
  resolvers: contactResolvers,
  permissions: {
    Query: { contact: 'contacts:read', contacts: 'contacts:read', household: 'contacts:read', possibleDuplicates: 'contacts:read' },
    Mutation: {
      createContact: 'contacts:write',
      updateContact: 'contacts:write',
      addContactToHousehold: 'contacts:write',
      updateHousehold: 'contacts:write',
      recordConsent: 'contacts:write',
      mergeContacts: 'contacts:merge',
      eraseContact: 'contacts:erase',
    },
    entities: { Contact: 'contacts:read', Household: 'contacts:read' },
  },
  entities: [ContactEntity],
});
