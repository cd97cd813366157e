/** The profiles module's public surface: making a matched contact a volunteer (its wiring is profiles.module.ts). */
export { ensureProfile } from './volunteer-profile.store';
