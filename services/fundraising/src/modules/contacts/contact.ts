import { z } from 'zod';
import { badInput, isUuid } from '@commonhold/kit/domain';
import { optionalText, validateAddress, type Address } from './address';

export type ContactKind = 'PERSON' | 'ORGANISATION';
export const CONTACT_KINDS: readonly ContactKind[] = ['PERSON', 'ORGANISATION'];

/** The editable fields of a contact, validated and normalised. */
export interface ContactFields {
  kind: ContactKind;
  title: string | null;
  /** Required for a person; always null for an organisation. */
  firstName: string | null;
  /** A person's last name; for an organisation, a mirror of its name (so it is never null). */
  lastName: string;
  organisationName: string | null;
  email: string | null;
  phone: string | null;
  address: Address | null;
  excludeFromHouseholdName: boolean;
}

export interface NewContact extends ContactFields {
  /** An existing household to join (persons only). */
  householdId: string | null;
}

/** The fields `updateContact` may change, in the order they are validated and reported. */
export const UPDATABLE_FIELDS = ['title', 'firstName', 'lastName', 'organisationName', 'email', 'phone', 'address', 'excludeFromHouseholdName'] as const;
export type UpdatableField = (typeof UPDATABLE_FIELDS)[number];

const emailSchema = z.email();

function requiredName(field: string, value: unknown): string {
  const f = field.split('.').pop()!;
  if (typeof value !== 'string') throw badInput(field, `${f} is required`);
  const t = value.trim();
  if (!t) throw badInput(field, `${f} must not be blank`);
  if (t.length > 100) throw badInput(field, `${f} must be at most 100 characters`);
  return t;
}

function email(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const e = typeof value === 'string' ? value.trim() : value;
  if (typeof e !== 'string' || e.length > 254 || !emailSchema.safeParse(e).success) throw badInput('input.email', 'email is not a valid email address');
  return e.toLowerCase();
}

function phone(value: unknown): string | null {
  const p = optionalText('input.phone', value, 30);
  if (p === null) return null;
  const digits = p.replace(/\D/g, '').length;
  if (!/^\+?[0-9 ().-]+$/.test(p) || digits < 6 || digits > 15) {
    throw badInput('input.phone', 'phone must be a telephone number of 6 to 15 digits (spaces, brackets, "-" and a leading "+" allowed)');
  }
  return p;
}

const absent = (v: unknown) => v === undefined || v === null;

/**
 * Validates and normalises contact input (create, or an update merged over the stored contact);
 * the first problem found is reported as BAD_USER_INPUT naming its field (`input.address.postcode`).
 * Persons need first and last names; organisations need `organisationName` and have no first name,
 * title, last name or household (their `lastName` mirrors the organisation name).
 */
export function validateNewContact(input: unknown): NewContact {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badInput('input', 'input must be an object');
  const v = input as Record<string, unknown>;
  let kind: ContactKind = 'PERSON';
  if (!absent(v.kind)) {
    if (!CONTACT_KINDS.includes(v.kind as ContactKind)) throw badInput('input.kind', 'kind must be PERSON or ORGANISATION');
    kind = v.kind as ContactKind;
  }
  let title: string | null = null;
  let firstName: string | null = null;
  let lastName: string;
  let organisationName: string | null = null;
  if (kind === 'PERSON') {
    title = optionalText('input.title', v.title, 20);
    firstName = requiredName('input.firstName', v.firstName);
    lastName = requiredName('input.lastName', v.lastName);
    if (!absent(v.organisationName)) throw badInput('input.organisationName', 'organisationName is only for organisations (kind ORGANISATION)');
  } else {
    for (const f of ['title', 'firstName', 'lastName'] as const) {
      if (!absent(v[f])) throw badInput(`input.${f}`, `an organisation has no ${f}; give organisationName`);
    }
    organisationName = requiredName('input.organisationName', v.organisationName);
    lastName = organisationName;
  }
  const e = email(v.email);
  const p = phone(v.phone);
  const address = validateAddress('input.address', v.address);
  let householdId: string | null = null;
  if (!absent(v.householdId)) {
    if (kind === 'ORGANISATION') throw badInput('input.householdId', 'an organisation cannot belong to a household');
    if (!isUuid(v.householdId)) throw badInput('input.householdId', 'householdId must be a household id');
    householdId = v.householdId.toLowerCase();
  }
  if (!absent(v.excludeFromHouseholdName) && typeof v.excludeFromHouseholdName !== 'boolean') {
    throw badInput('input.excludeFromHouseholdName', 'excludeFromHouseholdName must be true or false');
  }
  const excludeFromHouseholdName = kind === 'PERSON' && v.excludeFromHouseholdName === true;
  return { kind, title, firstName, lastName, organisationName, email: e, phone: p, address, excludeFromHouseholdName, householdId };
}

/** The stored contact as create input, so an update can be validated as "stored fields + patch". */
function asInput(c: ContactFields): Record<string, unknown> {
  return c.kind === 'PERSON'
    ? { kind: c.kind, title: c.title, firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone, address: c.address, excludeFromHouseholdName: c.excludeFromHouseholdName }
    : { kind: c.kind, organisationName: c.organisationName, email: c.email, phone: c.phone, address: c.address };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * A partial update: fields absent from `patch` keep their stored value, `null` clears an optional
 * field, and the result passes the same validation as a new contact. Returns the new fields and the
 * names of those that really changed (in UPDATABLE_FIELDS order).
 */
export function applyContactUpdate(current: ContactFields, patch: Record<string, unknown>): { next: ContactFields; changed: UpdatableField[] } {
  if (typeof patch !== 'object' || patch === null) throw badInput('input', 'input must be an object');
  const merged = asInput(current);
  for (const f of UPDATABLE_FIELDS) if (patch[f] !== undefined) merged[f] = patch[f];
  // An address patch replaces the whole address (country defaults to GB again when omitted).
  const { householdId: _h, ...next } = validateNewContact(merged);
  const changed = UPDATABLE_FIELDS.filter((f) => !same(next[f], current[f]));
  return { next, changed };
}

/** How a contact is shown: an organisation's name, otherwise "first last". */
export function displayName(c: { kind: ContactKind; firstName: string | null; lastName: string; organisationName: string | null }): string {
  if (c.kind === 'ORGANISATION') return c.organisationName ?? c.lastName;
  return [c.firstName, c.lastName].filter(Boolean).join(' ');
}
