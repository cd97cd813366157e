/** The signups module's public surface: the V4S status vocabulary (its wiring is signups.module.ts). */
export { SIGNUP_STATUSES, type SignupStatus } from './signup';
