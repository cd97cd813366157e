import { parse as parsePostcode } from 'postcode';
import { badInput } from '@commonhold/kit/domain';

/** A postal address as stored on a contact; `country` is an ISO 3166-1 alpha-2 code. */
export interface Address {
  houseNameOrNumber: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  postcode: string | null;
  country: string;
}

/** ISO 3166-1 alpha-2 codes (officially assigned). */
const ISO_COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

const collapse = (s: string) => s.trim().replace(/\s+/g, ' ');

/**
 * A UK postcode in its normal form (upper case, one space before the inward code), or null when
 * the text is not shaped like a UK postcode. Format check only (the `postcode` package, tested
 * against the ONS directory); GIR 0AA, the one historic exception, is accepted too.
 */
export function normaliseUkPostcode(text: string): string | null {
  const t = collapse(text).toUpperCase();
  if (t.replace(' ', '') === 'GIR0AA') return 'GIR 0AA';
  const p = parsePostcode(t);
  return p.valid ? p.postcode : null;
}

/** How a postcode is compared and stored: UK rules for GB, otherwise trimmed, upper case, single spaces. */
export function normalisePostcode(text: string, country = 'GB'): string | null {
  if (country === 'GB') return normaliseUkPostcode(text);
  const t = collapse(text).toUpperCase();
  return t || null;
}

/** An ISO 3166-1 alpha-2 code in upper case, or null. "UK" (reserved for the United Kingdom) means GB. */
export function normaliseCountry(text: string): string | null {
  const c = text.trim().toUpperCase();
  if (c === 'UK') return 'GB';
  return ISO_COUNTRIES.has(c) ? c : null;
}

/** Optional trimmed text: absent, null or blank → null; longer than `max` → BAD_USER_INPUT on `field`. */
export function optionalText(field: string, value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badInput(field, `${field.split('.').pop()} must be a string`);
  const t = collapse(value);
  if (!t) return null;
  if (t.length > max) throw badInput(field, `${field.split('.').pop()} must be at most ${max} characters`);
  return t;
}

/**
 * Validates and normalises an address input (`field` is its path, e.g. `input.address`). The country
 * defaults to GB; a GB postcode must be a valid UK postcode and is normalised (upper case, single
 * space); other countries' postcodes are only trimmed and upper-cased. An address with no line,
 * city or postcode at all is no address (null).
 */
export function validateAddress(field: string, value: unknown): Address | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw badInput(field, 'address must be an object');
  const v = value as Record<string, unknown>;
  let country = 'GB';
  if (v.country !== undefined && v.country !== null && !(typeof v.country === 'string' && !v.country.trim())) {
    const c = typeof v.country === 'string' ? normaliseCountry(v.country) : null;
    if (!c) throw badInput(`${field}.country`, 'country must be an ISO 3166-1 alpha-2 code such as GB');
    country = c;
  }
  const houseNameOrNumber = optionalText(`${field}.houseNameOrNumber`, v.houseNameOrNumber, 100);
  const line1 = optionalText(`${field}.line1`, v.line1, 100);
  const line2 = optionalText(`${field}.line2`, v.line2, 100);
  const city = optionalText(`${field}.city`, v.city, 100);
  let postcode = optionalText(`${field}.postcode`, v.postcode, 16);
  if (postcode !== null) {
    const n = normalisePostcode(postcode, country);
    if (!n) throw badInput(`${field}.postcode`, `postcode "${postcode}" is not a valid UK postcode`);
    postcode = n;
  }
  if (houseNameOrNumber === null && line1 === null && line2 === null && city === null && postcode === null) return null;
  return { houseNameOrNumber, line1, line2, city, postcode, country };
}
