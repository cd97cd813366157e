import { EntitySchema } from 'typeorm';

export interface GiftRow {
  id: string;
  tenantId: string;
  contactId: string;
  amountMinor: number;
  currency: string;
  receivedAt: Date;
  createdAt: Date;
}

export const GiftEntity = new EntitySchema<GiftRow>({
  name: 'Gift',
  tableName: 'gifts',
  columns: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'text', name: 'tenant_id' },
    contactId: { type: 'uuid', name: 'contact_id' },
    // bigint comes back from pg as a string; the transformer keeps money an integer number.
    amountMinor: { type: 'bigint', name: 'amount_minor', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } },
    currency: { type: 'char', length: 3 },
    receivedAt: { type: 'timestamptz', name: 'received_at' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});
