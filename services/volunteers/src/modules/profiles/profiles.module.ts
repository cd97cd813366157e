import { defineModule } from '@commonhold/kit';
import { profilesResolvers } from './profiles.resolvers';
import { VolunteerProfileEntity } from './volunteer-profile.entity';

/** Volunteer profiles: registering a known contact, and `Contact.volunteerProfile`. */
export const profilesModule = defineModule({
  name: 'profiles',
  resolvers: profilesResolvers,
  entities: [VolunteerProfileEntity],
});
