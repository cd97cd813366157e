// tenders exposes nothing to other modules (its wiring is tenders.module.ts).
export { TENDER_STATUSES, type TenderStatus } from './tender';
