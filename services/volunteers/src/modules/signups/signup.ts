import { AppError, badInput } from '@commonhold/kit/domain';

/**
 * Pure rules of signups and hours (Volunteers for Salesforce's Volunteer Hours): the statuses, which
 * moves between them are allowed, which statuses hold a place on the shift, and when a signup must
 * wait on the waitlist.
 */

export const SIGNUP_STATUSES = ['PROSPECT', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'WEB_SIGN_UP', 'CANCELED'] as const;
export type SignupStatus = (typeof SIGNUP_STATUSES)[number];

/** Statuses that hold one of the shift's places (a prospect has only shown interest; cancelled and no-show gave theirs back). */
export const HOLDS_PLACE: readonly SignupStatus[] = ['CONFIRMED', 'WEB_SIGN_UP', 'COMPLETED'];
export const holdsPlace = (s: SignupStatus) => HOLDS_PLACE.includes(s);

/**
 * Allowed moves. A web sign-up or prospect is confirmed or cancelled; a confirmed signup ends
 * completed (with hours), as a no-show, or cancelled; a no-show may be corrected to completed and a
 * completed one's hours corrected (COMPLETED → COMPLETED). Cancelled is final.
 */
const MOVES: Record<SignupStatus, readonly SignupStatus[]> = {
  PROSPECT: ['CONFIRMED', 'CANCELED'],
  WEB_SIGN_UP: ['CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELED'],
  CONFIRMED: ['COMPLETED', 'NO_SHOW', 'CANCELED'],
  COMPLETED: ['COMPLETED', 'NO_SHOW'],
  NO_SHOW: ['COMPLETED'],
  CANCELED: [],
};

export const canMove = (from: SignupStatus, to: SignupStatus) => MOVES[from].includes(to);

/** Hours of a completed signup: more than 0, at most 24, in minutes (quarter-hour precision is the caller's choice). */
export function hoursToMinutes(field: string, hours: unknown): number {
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0 || hours > 24) throw badInput(field, `${field.split('.').pop()} must be more than 0 and at most 24`);
  return Math.round(hours * 60);
}

export interface Transition {
  status: SignupStatus;
  minutes: number | null;
}

/**
 * Decides a status change: refused when the move is not allowed (CONFLICT, naming `input.status`);
 * COMPLETED requires hours (`input.hours`, V4S: hours required when completed); any other status
 * carries none (hours given with it are refused rather than dropped).
 */
export function decideTransition(from: SignupStatus, to: unknown, hours: unknown, waitlisted: boolean, fields = { status: 'input.status', hours: 'input.hours' }): Transition {
  if (!SIGNUP_STATUSES.includes(to as SignupStatus)) throw badInput(fields.status, `status must be one of ${SIGNUP_STATUSES.join(', ')}`);
  const target = to as SignupStatus;
  if (!canMove(from, target)) throw new AppError('CONFLICT', `A ${from} signup cannot become ${target}`, { field: fields.status, details: { reason: 'STATUS_TRANSITION' } });
  if (waitlisted && target !== 'CANCELED') throw new AppError('CONFLICT', 'A waitlisted signup gets a place first (when one frees up)', { field: fields.status, details: { reason: 'WAITLISTED' } });
  if (target === 'COMPLETED') {
    if (hours == null) throw badInput(fields.hours, 'hours are required when a signup is COMPLETED');
    return { status: target, minutes: hoursToMinutes(fields.hours, hours) };
  }
  if (hours != null) throw badInput(fields.hours, `hours are recorded only for COMPLETED signups, not ${target}`);
  return { status: target, minutes: null };
}

/** Whether a new signup that wants a place gets one (`taken` places of `capacity`) or waits on the waitlist. */
export function placeFor(status: SignupStatus, taken: number, capacity: number): { waitlisted: boolean } {
  return { waitlisted: holdsPlace(status) && taken >= capacity };
}

/** Statuses staff may sign a known contact up with (web sign-ups come only through a signed link). */
export const STAFF_SIGNUP_STATUSES: readonly SignupStatus[] = ['PROSPECT', 'CONFIRMED'];


export interface PublicSignupFields {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  postcode: string | null;
  consent: { email: boolean; sms: boolean };
}

const optional = (field: string, value: unknown, max: number): string | null => {
  if (value == null || value === '') return null;
  if (typeof value !== 'string' || value.trim().length > max) throw badInput(field, `${field} must be a string of at most ${max} characters`);
  return value.trim() || null;
};

const required = (field: string, value: unknown, max: number): string => {
  const v = optional(field, value, max);
  if (!v) throw badInput(field, `${field} must not be blank`);
  return v;
};

/**
 * What a person without an account gives on the public sign-up form: names, and an email or a
 * phone to be reached on, a postcode (optional), and consent per channel (absent: not given).
 */
export function validatePublicSignup(body: Record<string, unknown>): PublicSignupFields {
  const firstName = required('firstName', body.firstName, 100);
  const lastName = required('lastName', body.lastName, 100);
  const email = optional('email', body.email, 254)?.toLowerCase() ?? null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badInput('email', 'email is not an email address');
  const phone = optional('phone', body.phone, 40);
  if (phone && !/^\+?[0-9 ()-]{6,40}$/.test(phone)) throw badInput('phone', 'phone is not a phone number');
  const postcode = optional('postcode', body.postcode, 16)?.toUpperCase() ?? null;
  if (!email && !phone) throw badInput('email', 'give an email or a phone number');
  const c = body.consent ?? {};
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw badInput('consent', 'consent must be an object { email, sms }');
  const consent = { email: (c as Record<string, unknown>).email === true, sms: (c as Record<string, unknown>).sms === true };
  if (consent.email && !email) throw badInput('consent.email', 'email consent needs an email address');
  if (consent.sms && !phone) throw badInput('consent.sms', 'SMS consent needs a phone number');
  return { firstName, lastName, email, phone, postcode, consent };
}
