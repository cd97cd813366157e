/** The shifts module's public surface: finding and loading shifts and jobs (its wiring is shifts.module.ts). */
export { findShift, findJob, type ShiftRow, type JobRow } from './shift.store';
export { jobLoader, shiftLoader } from './shift.loader';
