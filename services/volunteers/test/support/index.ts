// Shared support for volunteers' tests: its operations and factories (generic helpers come from
// @commonhold/testing). Volunteers learns contacts from fundraising's events, so a contact created
// through the gateway is registrable only once the projection has it.
import { eventually } from '@commonhold/testing';
import type { TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey, ok, tenantRows, type As } from '@commonhold/testing/src/support';

export { idempotencyKey, ok, refused, tenantName, tenantRows, type As } from '@commonhold/testing/src/support';

export const REGISTER_VOLUNTEER = `mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteerProfile { status registeredAt } } }`;
const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;

/** A contact created in fundraising, returned once volunteers' projection has learned it. */
export async function knownContact(platform: TestPlatform, tenant: string, input: Record<string, unknown> = {}): Promise<string> {
  const d = await ok(platform.as(tenant), CREATE_CONTACT, { input: { firstName: 'Mary', lastName: 'Seacole', idempotencyKey: idempotencyKey(), ...input } });
  const id = d.createContact.contact.id as string;
  await eventually(async () => (await tenantRows(platform, 'volunteers', tenant, 'SELECT 1 FROM known_contacts WHERE contact_id = $1', [id])).length > 0);
  return id;
}

export const CREATE_JOB = `mutation($input: CreateVolunteerJobInput!) { createVolunteerJob(input: $input) { job { id name skills } } }`;
export const SCHEDULE = `mutation($input: ScheduleVolunteerShiftsInput!) { scheduleVolunteerShifts(input: $input) { shifts { id startsAt endsAt capacity seriesId recurrence } } }`;
export const SIGN_UP = `mutation($input: SignUpForShiftInput!) { signUpForShift(input: $input) { signup { id status waitlisted hours contact { id } } } }`;
export const CHANGE_STATUS = `mutation($input: ChangeVolunteerSignupStatusInput!) { changeVolunteerSignupStatus(input: $input) { signup { id status waitlisted hours } } }`;
export const ATTENDANCE = `mutation($input: RecordShiftAttendanceInput!) { recordShiftAttendance(input: $input) { signups { id status hours } } }`;
export const SHIFT = `query($id: ID!) { volunteerShift(id: $id) { id capacity placesTaken signups(first: 25) { edges { node { id status waitlisted hours contact { id } } } } } }`;
export const SIGNUP = `query($id: ID!) { volunteerSignup(id: $id) { id status waitlisted hours contact { id } } }`;
export const CREATE_LINK = `mutation($input: CreatePublicLinkInput!) { createPublicLink(input: $input) { token } }`;

/** A job with one shift (or a series): returns the job and shift ids. */
export async function givenShift(as: As, shift: Record<string, unknown> = {}): Promise<{ jobId: string; shiftIds: string[] }> {
  const job = await ok(as, CREATE_JOB, { input: { name: 'Food bank', description: 'Sorting donations', location: 'Hall', skills: ['Lifting'], idempotencyKey: idempotencyKey() } });
  const jobId = job.createVolunteerJob.job.id as string;
  const s = await ok(as, SCHEDULE, { input: { jobId, startsAt: new Date(Date.now() - 86_400_000).toISOString(), durationMinutes: 180, capacity: 2, idempotencyKey: idempotencyKey(), ...shift } });
  return { jobId, shiftIds: s.scheduleVolunteerShifts.shifts.map((x: { id: string }) => x.id) };
}

/** A signed sign-up link for the shift (identity), valid an hour. */
export async function signupLink(as: As, shiftId: string, maxUses = 1): Promise<string> {
  const d = await ok(as, CREATE_LINK, { input: { purpose: 'volunteer_signup', subjectId: shiftId, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), maxUses, idempotencyKey: idempotencyKey() } });
  return d.createPublicLink.token as string;
}

/** The public sign-up form posted through the gateway (no bearer token: the link is the authority). */
export async function postSignup(platform: TestPlatform, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL('/volunteer-signups', platform.gateway.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ idempotencyKey: idempotencyKey(), ...body }) });
  return { status: res.status, body: await res.json() };
}
export const RECORD_CONSENT = `mutation($input: RecordVolunteerConsentInput!) { recordVolunteerConsent(input: $input) { contact { id volunteerConsents { channel granted source } } } }`;
