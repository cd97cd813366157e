import { defineModule } from '@commonhold/kit';
import { hoursResolvers } from './hours.resolvers';

/** Hours on the contact (`Contact.volunteering`, through federation) and the volunteering report. */
export const hoursModule = defineModule({
  name: 'hours',
  resolvers: hoursResolvers,
  permissions: { Query: { volunteerReport: 'volunteers:read' } },
});
