export type DuplicateReason = 'SAME_EMAIL' | 'SAME_NAME_AND_POSTCODE';

/** What duplicate matching compares; `postcode` is already normalised (as stored). */
export interface MatchFields {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  postcode: string | null;
}

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/**
 * Why two contacts may be the same person:
 * - SAME_EMAIL: both have an email and they are equal ignoring case;
 * - SAME_NAME_AND_POSTCODE: last names equal ignoring case, first names equal ignoring case (two
 *   missing first names are equal: organisations match on their name), both have a postcode and
 *   the (normalised) postcodes are equal.
 * The order of the reasons is fixed (as listed above). Mirrors the SQL in `duplicate-store.ts`.
 */
export function duplicateReasons(a: MatchFields, b: MatchFields): DuplicateReason[] {
  const reasons: DuplicateReason[] = [];
  if (norm(a.email) && norm(a.email) === norm(b.email)) reasons.push('SAME_EMAIL');
  if (norm(a.lastName) && norm(a.lastName) === norm(b.lastName) && norm(a.firstName) === norm(b.firstName) && norm(a.postcode) && norm(a.postcode) === norm(b.postcode)) {
    reasons.push('SAME_NAME_AND_POSTCODE');
  }
  return reasons;
}
