import type { FundraisingModule } from '../module';
import { ContactEntity } from './contact.entity';
import { contactResolvers } from './resolvers';

export const contactsModule: FundraisingModule = {
  name: 'contacts',
  resolvers: contactResolvers,
  entities: [ContactEntity],
};
