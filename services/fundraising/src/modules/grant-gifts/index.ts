/** The grant-gifts module's public surface (its wiring is grant-gifts.module.ts). */
export { grantGiftInput, grantGiftKey } from './grant-gift';
export { recordGrantGift } from './record-grant-gift';
