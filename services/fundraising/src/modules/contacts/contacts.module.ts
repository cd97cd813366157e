import { defineModule } from '@commonhold/kit';
import { ContactEntity } from './contact.entity';
import { contactResolvers } from './contacts.resolvers';

export const contactsModule = defineModule({
  name: 'contacts',
  resolvers: contactResolvers,
  entities: [ContactEntity],
});
