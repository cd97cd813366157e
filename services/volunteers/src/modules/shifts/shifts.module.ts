import { defineModule } from '@commonhold/kit';
import { shiftsResolvers } from './shifts.resolvers';

/** Volunteer jobs (description, location, skills) and their shifts (start, duration, capacity, RRULE recurrence). */
export const shiftsModule = defineModule({
  name: 'shifts',
  resolvers: shiftsResolvers,
  permissions: {
    Query: { volunteerJobs: 'volunteers:read', volunteerJob: 'volunteers:read', volunteerShift: 'volunteers:read' },
    Mutation: { createVolunteerJob: 'shifts:write', scheduleVolunteerShifts: 'shifts:write' },
  },
});
