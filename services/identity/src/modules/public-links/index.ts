// What other modules may import from public-links.
export { findLink, insertLink } from './public-link.store';
export { signPublicLink } from './sign-public-link';
export { linkTerms, CREATABLE_PURPOSES } from './public-link';
export { redeemPublicLink } from './redeem-public-link';
