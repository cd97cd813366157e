// What the supergraph-wide contract tests (test/contracts/) need from volunteers: a valid input for
// each of its mutations, set up through the API. See @commonhold/testing/src/contracts.
import type { ServiceContracts } from '@commonhold/testing/src/contracts';
import { givenShift, idempotencyKey, knownContact, ok, SIGN_UP } from './support';

export const contracts: ServiceContracts = {
  samples: {
    registerVolunteer: async ({ platform, tenant }, idempotencyKey) => ({ contactId: await knownContact(platform, tenant), idempotencyKey }),
    recordVolunteerConsent: async ({ platform, tenant }, idempotencyKey) => ({ contactId: await knownContact(platform, tenant), channel: 'EMAIL', granted: true, idempotencyKey }),
    createVolunteerJob: async (_ctx, idempotencyKey) => ({ name: 'Food bank', description: 'Sorting', location: 'Hall', skills: ['Lifting'], idempotencyKey }),
    scheduleVolunteerShifts: async ({ as }, idempotencyKey) => ({
      jobId: (await givenShift(as)).jobId,
      startsAt: '2027-03-01T09:00:00Z',
      durationMinutes: 120,
      capacity: 3,
      recurrence: 'FREQ=WEEKLY;COUNT=2',
      idempotencyKey,
    }),
    signUpForShift: async ({ as, platform, tenant }, idempotencyKey) => ({ shiftId: (await givenShift(as)).shiftIds[0], contactId: await knownContact(platform, tenant), idempotencyKey }),
    changeVolunteerSignupStatus: async (ctx, idempotencyKey) => ({ signupId: await signup(ctx), status: 'COMPLETED', hours: 2, idempotencyKey }),
    recordShiftAttendance: async (ctx, idempotencyKey) => {
      const { shiftId, signupId } = await signupOnShift(ctx);
      return { shiftId, entries: [{ signupId, attended: true, hours: 1.5 }], idempotencyKey };
    },
  },
};

async function signupOnShift({ as, platform, tenant }: Parameters<ServiceContracts['samples'][string]>[0]): Promise<{ shiftId: string; signupId: string }> {
  const shiftId = (await givenShift(as)).shiftIds[0]!;
  const d = await ok(as, SIGN_UP, { input: { shiftId, contactId: await knownContact(platform, tenant), idempotencyKey: idempotencyKey() } });
  return { shiftId, signupId: d.signUpForShift.signup.id as string };
}
const signup = async (ctx: Parameters<ServiceContracts['samples'][string]>[0]) => (await signupOnShift(ctx)).signupId;
