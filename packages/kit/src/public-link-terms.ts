/** The vocabulary of signed public links (pure: part of `@commonhold/kit/domain`). */
export const PUBLIC_LINK_AUDIENCE = 'commonhold-public-link';
export const PUBLIC_LINK_TYP = 'link+jwt';
/** What a link may be for; `invitation` is identity's own (set a password). */
export const PUBLIC_LINK_PURPOSES = ['volunteer_signup', 'work_order_access', 'resident_statement', 'resident_payment', 'vote_ballot', 'invitation'] as const;
export type PublicLinkPurpose = (typeof PUBLIC_LINK_PURPOSES)[number];

