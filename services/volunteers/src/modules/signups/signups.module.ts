import { defineModule } from '@commonhold/kit';
import { signupsConsumer } from './contact-match-completed.consumer';
import { publicSignUpRoutes } from './public-sign-up.routes';
import { signupsResolvers } from './signups.resolvers';

/**
 * Signups and hours (V4S statuses and rules, capacity with a waitlist), attendance and bulk hours,
 * and the public sign-up through a signed link whose person fundraising matches to a contact.
 */
export const signupsModule = defineModule({
  name: 'signups',
  resolvers: signupsResolvers,
  permissions: {
    Query: { volunteerSignup: 'volunteers:read' },
    Mutation: { signUpForShift: 'volunteers:write', changeVolunteerSignupStatus: 'hours:write', recordShiftAttendance: 'hours:write' },
  },
  consumers: () => [signupsConsumer],
  routes: publicSignUpRoutes,
});
