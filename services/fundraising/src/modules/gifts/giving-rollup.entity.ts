import { EntitySchema } from 'typeorm';

const bigintNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One subject's (contact or household) giving in one currency. See rollup-store.ts for the rules. */
export interface GivingRollupRow {
  tenantId: string;
  subjectType: 'CONTACT' | 'HOUSEHOLD';
  subjectId: string;
  currency: string;
  totalMinor: number;
  giftCount: number;
  smallestMinor: number | null;
  largestMinor: number | null;
  firstGiftAt: Date | null;
  firstGiftMinor: number | null;
  lastGiftAt: Date | null;
  lastGiftMinor: number | null;
  /** Fiscal year (the calendar year it starts in) → net total in minor units. */
  byFiscalYear: Record<string, number>;
  softCreditMinor: number;
  updatedAt: Date;
}

export const GivingRollupEntity = new EntitySchema<GivingRollupRow>({
  name: 'GivingRollup',
  tableName: 'giving_rollups',
  columns: {
    tenantId: { type: 'text', name: 'tenant_id', primary: true },
    subjectType: { type: 'text', name: 'subject_type', primary: true },
    subjectId: { type: 'uuid', name: 'subject_id', primary: true },
    currency: { type: 'char', length: 3, primary: true },
    totalMinor: { type: 'bigint', name: 'total_minor', transformer: bigintNumber },
    giftCount: { type: 'int', name: 'gift_count' },
    smallestMinor: { type: 'bigint', name: 'smallest_minor', nullable: true, transformer: bigintNumber },
    largestMinor: { type: 'bigint', name: 'largest_minor', nullable: true, transformer: bigintNumber },
    firstGiftAt: { type: 'timestamptz', name: 'first_gift_at', nullable: true },
    firstGiftMinor: { type: 'bigint', name: 'first_gift_minor', nullable: true, transformer: bigintNumber },
    lastGiftAt: { type: 'timestamptz', name: 'last_gift_at', nullable: true },
    lastGiftMinor: { type: 'bigint', name: 'last_gift_minor', nullable: true, transformer: bigintNumber },
    byFiscalYear: { type: 'jsonb', name: 'by_fiscal_year' },
    softCreditMinor: { type: 'bigint', name: 'soft_credit_minor', transformer: bigintNumber },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
  },
});
