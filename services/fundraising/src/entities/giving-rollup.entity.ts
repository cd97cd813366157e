import { EntitySchema } from 'typeorm';

export interface GivingRollupRow {
  tenantId: string;
  contactId: string;
  currency: string;
  totalMinor: number;
  giftCount: number;
  lastGiftDate: Date | null;
}

export const GivingRollupEntity = new EntitySchema<GivingRollupRow>({
  name: 'GivingRollup',
  tableName: 'giving_rollups',
  columns: {
    tenantId: { type: 'text', name: 'tenant_id', primary: true },
    contactId: { type: 'uuid', name: 'contact_id', primary: true },
    currency: { type: 'char', length: 3, primary: true },
    totalMinor: { type: 'bigint', name: 'total_minor', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } },
    giftCount: { type: 'int', name: 'gift_count' },
    lastGiftDate: { type: 'timestamptz', name: 'last_gift_date', nullable: true },
  },
});
