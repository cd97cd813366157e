// What other modules may import from public-links.
export { publicLinksModule } from './public-links.module';
export { linkTerms, CREATABLE_PURPOSES } from './public-link';
export { redeemPublicLink } from './redeem-public-link';
