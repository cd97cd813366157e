/** The intake module's public surface: what other modules may use (its wiring is intake.module.ts). */
export { eraseIntakeData } from './erase-intake-data';
