import { parse as parsePostcode } from 'postcode';
import { badInput, oneOf, requiredText } from '@commonhold/kit/domain';

/** Pure rules of buildings, apartments, their shares and the people attached to them. */

export const TOTAL_THOUSANDTHS = 1000;
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export interface BuildingFields {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postcode: string;
  country: string;
  currency: string;
}

const last = (field: string) => field.split('.').pop()!;

/** Optional trimmed text: absent/blank → null. */
export function optionalText(field: string, value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badInput(field, `${last(field)} must be a string`);
  const t = value.trim().replace(/\s+/g, ' ');
  if (!t) return null;
  if (t.length > max) throw badInput(field, `${last(field)} must be at most ${max} characters`);
  return t;
}

/** A UK postcode in normal form for GB (format checked by the `postcode` package); other countries trimmed and upper-cased. */
export function normalisePostcode(field: string, value: unknown, country: string): string {
  const text = requiredText(field, value, 16).toUpperCase().replace(/\s+/g, ' ');
  if (country !== 'GB') return text;
  const p = parsePostcode(text);
  if (!p.valid || !p.postcode) throw badInput(field, 'postcode is not a valid UK postcode');
  return p.postcode;
}

/** Validates a building's fields; `current` fills what an update leaves out. */
export function buildingFields(input: Record<string, unknown>, current?: BuildingFields): BuildingFields {
  const pick = (k: string, fallback: unknown) => (input[k] === undefined ? fallback : input[k]);
  const address = (input.address ?? {}) as Record<string, unknown>;
  if (input.address !== undefined && (input.address === null || typeof input.address !== 'object')) throw badInput('input.address', 'address must be an object');
  const addr = (k: string, fallback: unknown) => (input.address === undefined ? fallback : address[k]);
  const country = requiredText('input.address.country', addr('country', current?.country ?? 'GB') ?? 'GB', 2).toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw badInput('input.address.country', 'country must be an ISO 3166-1 alpha-2 code');
  const currency = pick('currency', current?.currency ?? 'GBP');
  if (typeof currency !== 'string' || !ISO_CURRENCIES.has(currency)) throw badInput('input.currency', 'currency must be an ISO 4217 code such as GBP');
  return {
    name: requiredText('input.name', pick('name', current?.name), 200),
    line1: requiredText('input.address.line1', addr('line1', current?.line1), 200),
    line2: optionalText('input.address.line2', addr('line2', current?.line2), 200),
    city: requiredText('input.address.city', addr('city', current?.city), 100),
    postcode: normalisePostcode('input.address.postcode', addr('postcode', current?.postcode), country),
    country,
    currency,
  };
}

export interface ApartmentFields {
  unit: string;
  floor: number | null;
  paymentReference: string;
}

/** A payment reference a bank transfer can carry: 4–18 of A–Z, 0–9 and '-', upper-cased. */
export function paymentReference(field: string, value: unknown): string {
  const ref = requiredText(field, value, 18).toUpperCase();
  if (!/^[A-Z0-9-]{4,18}$/.test(ref)) throw badInput(field, 'paymentReference must be 4 to 18 of A-Z, 0-9 and -');
  return ref;
}

/** The reference given to an apartment when none is chosen: stable, derived from its id. */
export const defaultReference = (apartmentId: string): string => `AP-${apartmentId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;

export function apartmentFields(input: Record<string, unknown>, id: string, current?: ApartmentFields): ApartmentFields {
  const floor = input.floor === undefined ? (current?.floor ?? null) : input.floor;
  if (floor !== null && (!Number.isInteger(floor) || (floor as number) < -10 || (floor as number) > 300)) {
    throw badInput('input.floor', 'floor must be an integer between -10 and 300');
  }
  const ref = input.paymentReference ?? current?.paymentReference ?? defaultReference(id);
  return {
    unit: requiredText('input.unit', input.unit === undefined ? current?.unit : input.unit, 40),
    floor: floor as number | null,
    paymentReference: paymentReference('input.paymentReference', ref),
  };
}

export interface ShareLine {
  apartmentId: string;
  ownershipShare: number;
  heatingShare: number | null;
  otherShare: number | null;
}

/**
 * The rule for a building's share table: it is set whole, in one call, and must list every apartment
 * of the building exactly once. Ownership shares are integers 1–1000 summing to exactly 1000;
 * heating and other shares are each either absent for every apartment or given for every apartment
 * (0–1000) and then also sum to 1000. Anything else is refused naming the offending line.
 */
export function validateShareTable(apartmentIds: readonly string[], lines: unknown): ShareLine[] {
  if (!Array.isArray(lines) || lines.length === 0) throw badInput('input.shares', 'shares must list every apartment of the building');
  const known = new Set(apartmentIds);
  const seen = new Set<string>();
  const out: ShareLine[] = lines.map((raw, i) => {
    const f = `input.shares.${i}`;
    const l = (raw ?? {}) as Record<string, unknown>;
    if (typeof l.apartmentId !== 'string' || !known.has(l.apartmentId)) throw badInput(`${f}.apartmentId`, 'apartmentId is not an apartment of this building');
    if (seen.has(l.apartmentId)) throw badInput(`${f}.apartmentId`, 'apartmentId is listed twice');
    seen.add(l.apartmentId);
    const share = (k: string, min: number, optional: boolean): number | null => {
      const v = l[k];
      if ((v === undefined || v === null) && optional) return null;
      if (!Number.isInteger(v) || (v as number) < min || (v as number) > TOTAL_THOUSANDTHS) throw badInput(`${f}.${k}`, `${k} must be an integer from ${min} to 1000 (thousandths)`);
      return v as number;
    };
    return { apartmentId: l.apartmentId, ownershipShare: share('ownershipShare', 1, false)!, heatingShare: share('heatingShare', 0, true), otherShare: share('otherShare', 0, true) };
  });
  const missing = apartmentIds.find((id) => !seen.has(id));
  if (missing) throw badInput('input.shares', `shares must list every apartment of the building (apartment ${missing} is missing)`);
  const sum = (k: keyof ShareLine) => out.reduce((s, l) => s + ((l[k] as number | null) ?? 0), 0);
  if (sum('ownershipShare') !== TOTAL_THOUSANDTHS) throw badInput('input.shares', `ownership shares sum to ${sum('ownershipShare')}, not 1000`);
  for (const k of ['heatingShare', 'otherShare'] as const) {
    const given = out.filter((l) => l[k] !== null).length;
    if (given === 0) continue;
    if (given !== out.length) throw badInput('input.shares', `${k} must be given for every apartment or for none`);
    if (sum(k) !== TOTAL_THOUSANDTHS) throw badInput('input.shares', `${k}s sum to ${sum(k)}, not 1000`);
  }
  return out;
}

/** Whether a building's stored shares form a valid table: every apartment has an ownership share and they sum to 1000. */
export function sharesComplete(shares: readonly (number | null)[]): boolean {
  return shares.length > 0 && shares.every((s) => s !== null) && shares.reduce<number>((a, s) => a + (s ?? 0), 0) === TOTAL_THOUSANDTHS;
}

export const PARTY_ROLES = ['owner', 'occupant'] as const;
export const CHANNELS = ['email', 'sms', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface PartyFields {
  role: (typeof PARTY_ROLES)[number];
  name: string;
  email: string | null;
  phone: string | null;
  postalAddress: string | null;
  preferredChannel: Channel;
  consent: Record<Channel, boolean>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

/**
 * An owner or occupant: a name, optional contact details (email; phone in E.164; postal address —
 * when absent, letters go to the apartment), a preferred channel and consent per channel. The
 * preferred channel must be reachable: its detail present (letters fall back to the apartment's
 * address) and, for email and SMS, consent given.
 */
export function partyFields(input: Record<string, unknown>, current?: PartyFields): PartyFields {
  const pick = (k: string, fallback: unknown) => (input[k] === undefined ? fallback : input[k]);
  const role = oneOf('input.role', PARTY_ROLES, typeof input.role === 'string' ? input.role.toLowerCase() : (current?.role ?? input.role));
  const email = optionalText('input.email', pick('email', current?.email), 254);
  if (email && !EMAIL.test(email)) throw badInput('input.email', 'email is not an email address');
  const phone = optionalText('input.phone', pick('phone', current?.phone), 20)?.replace(/[\s()-]/g, '') ?? null;
  if (phone && !PHONE.test(phone)) throw badInput('input.phone', 'phone must be in international format, e.g. +447700900123');
  const rawChannel = pick('preferredChannel', current?.preferredChannel);
  const preferredChannel = oneOf('input.preferredChannel', CHANNELS, typeof rawChannel === 'string' ? rawChannel.toLowerCase() : rawChannel, 'letter');
  const c = (input.consent ?? {}) as Record<string, unknown>;
  const consent = Object.fromEntries(
    CHANNELS.map((ch) => {
      const v = input.consent === undefined ? (current?.consent[ch] ?? false) : (c[ch] ?? false);
      if (typeof v !== 'boolean') throw badInput(`input.consent.${ch}`, `consent.${ch} must be true or false`);
      return [ch, v];
    }),
  ) as Record<Channel, boolean>;
  if (preferredChannel === 'email' && !email) throw badInput('input.preferredChannel', 'preferredChannel EMAIL needs an email');
  if (preferredChannel === 'sms' && !phone) throw badInput('input.preferredChannel', 'preferredChannel SMS needs a phone');
  if (preferredChannel !== 'letter' && !consent[preferredChannel]) throw badInput('input.preferredChannel', `preferredChannel ${preferredChannel.toUpperCase()} needs consent.${preferredChannel}`);
  return {
    role,
    name: requiredText('input.name', pick('name', current?.name), 200),
    email,
    phone,
    postalAddress: optionalText('input.postalAddress', pick('postalAddress', current?.postalAddress), 500),
    preferredChannel,
    consent,
  };
}
