import { defineModule } from '@commonhold/kit';
import { profilesResolvers } from './profiles.resolvers';
import { VolunteerProfileEntity } from './volunteer-profile.entity';

/** Volunteer profiles: registering a known contact, consent per channel, `Contact.volunteerProfile` and `volunteerConsents`. */
export const profilesModule = defineModule({
  name: 'profiles',
  resolvers: profilesResolvers,
  permissions: {
    Mutation: { registerVolunteer: 'volunteers:write', recordVolunteerConsent: 'volunteers:write' },
    entities: { Contact: 'volunteers:read' },
  },
  entities: [VolunteerProfileEntity],
});
