// What other modules may import from ledger (its wiring is ledger.module.ts).
export { addDays, bucketOf, BUCKETS, calendarDate, daysBetween, position, worstBucket, type Aging, type Bucket, type LedgerEntry, type Position } from './ledger';
export { agingRows, entriesOfApartment, staleApartments, AGING_SQL, POSITIONS_AGING_SQL, type AgingRow, type EntryRow } from './ledger.store';
export { agingOut, balanceOut } from './ledger.view';
export { post, todayUtc } from './post-entry';
export { postCharge } from './post-charge';
export { postChargesSetBased, type ChargeSet, type SetCharge, type SetChargeOutcome } from './post-charges-set';
