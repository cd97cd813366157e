import type { DuplicateMatch } from '../contacts';

/** Pure rules of matching a public sign-up's person to a contact. */

/** Optional fields fundraising's contact rules may refuse, dropped one by one (a sign-up form is not a contact form). */
export const DROPPABLE_FIELDS = { 'input.address.postcode': 'postcode', 'input.address': 'postcode', 'input.phone': 'phone', 'input.email': 'email' } as const;

/**
 * The contact a request matches: the oldest active duplicate (fundraising's duplicate rules — same
 * email, or same first + last name and postcode), else none (a contact is created).
 */
export function chooseMatch(matches: readonly DuplicateMatch[]): string | null {
  return matches[0]?.contact.id ?? null;
}
