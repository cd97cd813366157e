import type { PageArgs, RequestContext, Resolvers } from '@commonhold/kit';
import { shiftLoader, type ShiftRow } from '../shifts';
import { changeSignupStatus, recordAttendance, type AttendanceEntry } from './change-signup-status';
import { signUpForShift } from './sign-up-for-shift';
import { signupLoader } from './signup.loader';
import { signupMetrics } from './signup.metrics';
import { pageSignups, takenPlaces, type SignupRow } from './signup.store';

type Ctx = RequestContext;
const cmd = <I>(ctx: Ctx, input: I) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input });

/** Thin: GraphQL in, a use case or a read, GraphQL out. */
export const signupsResolvers: Resolvers = {
  Query: {
    volunteerSignup: (_: unknown, { id }: { id: string }, ctx: Ctx) => signupLoader(ctx).load(id),
  },
  Mutation: {
    signUpForShift: async (_: unknown, { input }: { input: { shiftId: string; contactId: string; status?: string; idempotencyKey: string } }, ctx: Ctx) => {
      const id = await ctx.tx((m) => signUpForShift(m, cmd(ctx, input)));
      const signup = await signupLoader(ctx).load(id);
      signupMetrics(ctx.runtime.metrics.registry).signups.inc({ source: 'staff', outcome: signup?.waitlisted ? 'waitlisted' : 'placed' });
      return { signup };
    },
    changeVolunteerSignupStatus: async (_: unknown, { input }: { input: { signupId: string; status: string; hours?: number | null; idempotencyKey: string } }, ctx: Ctx) => {
      const id = await ctx.tx((m) => changeSignupStatus(m, cmd(ctx, input)));
      return { signup: await signupLoader(ctx).load(id) };
    },
    recordShiftAttendance: async (_: unknown, { input }: { input: { shiftId: string; entries: AttendanceEntry[]; idempotencyKey: string } }, ctx: Ctx) => {
      const ids = await ctx.tx((m) => recordAttendance(m, cmd(ctx, input)));
      return { signups: await signupLoader(ctx).loadMany(ids) };
    },
  },
  VolunteerShift: {
    signups: (s: ShiftRow, args: PageArgs, ctx: Ctx) => ctx.tx((m) => pageSignups(m, ctx.principal.tenantId, s.id, args)),
    placesTaken: (s: ShiftRow, _: unknown, ctx: Ctx) => ctx.tx((m) => takenPlaces(m, ctx.principal.tenantId, s.id)),
  },
  VolunteerSignup: {
    shift: (s: SignupRow, _: unknown, ctx: Ctx) => shiftLoader(ctx).load(s.shiftId),
    contact: (s: SignupRow) => (s.contactId ? { __typename: 'Contact', id: s.contactId } : null),
    hours: (s: SignupRow) => (s.minutes == null ? null : s.minutes / 60),
  },
};
