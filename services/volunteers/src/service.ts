import { composeModules, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition, type ServiceModule } from '@commonhold/kit';
import { CreateVolunteers1763800000200 } from './migrations/1763800000200-create-volunteers';
import { ContactErasure1764900000100 } from './migrations/1764900000100-contact-erasure';
import { JobsShiftsHours1796700000000 } from './migrations/1796700000000-jobs-shifts-hours';
import { contactsModule } from './modules/contacts/contacts.module';
import { hoursModule } from './modules/hours/hours.module';
import { profilesModule } from './modules/profiles/profiles.module';
import { remindersModule } from './modules/reminders/reminders.module';
import { shiftsModule } from './modules/shifts/shifts.module';
import { signupsModule } from './modules/signups/signups.module';

/** Every module of the subgraph; its SDL is `schemas/subgraphs/volunteers.graphql`. */
export const volunteersModules: ServiceModule[] = [contactsModule, profilesModule, shiftsModule, signupsModule, hoursModule, remindersModule];

export const volunteersService: ServiceDefinition = {
  name: 'volunteers',
  typeDefs: loadSubgraphSdl('volunteers'),
  ...composeModules(volunteersModules, {
    resolvers: [{ DateTime: DateTimeScalar }],
    // The tables predate the modules (one migration created both; issue 15's spans shifts, signups and
    // contacts' consents), so the migrations stay at the service level.
    migrations: [KitTables1763800000000, CreateVolunteers1763800000200, ContactErasure1764900000100, JobsShiftsHours1796700000000],
  }),
};
