/** The gifts module's public surface: what other modules may use (its wiring is gifts.module.ts). */
export { giftLoader } from './gift.loader';
export { PAYMENT_METHODS } from './gift';
export { recomputeAllRollups, recomputeRollups } from './rollup.store';
export { recordGift, refundGift } from './record-gift';
export type { GiftRow } from './gift.entity';
