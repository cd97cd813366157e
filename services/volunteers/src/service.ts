import { KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { KnownContactEntity } from './entities/known-contact.entity';
import { VolunteerProfileEntity } from './entities/volunteer-profile.entity';
import { contactProjectionConsumer } from './events/contact-created.consumer';
import { resolvers } from './graphql/resolvers';
import { CreateVolunteers1763800000200 } from './migrations/1763800000200-create-volunteers';
import { ContactErasure1764900000100 } from './migrations/1764900000100-contact-erasure';

export const volunteersService: ServiceDefinition = {
  name: 'volunteers',
  typeDefs: loadSubgraphSdl('volunteers'),
  resolvers,
  entities: [KnownContactEntity, VolunteerProfileEntity],
  migrations: [KitTables1763800000000, CreateVolunteers1763800000200, ContactErasure1764900000100],
  consumers: () => [contactProjectionConsumer],
};
