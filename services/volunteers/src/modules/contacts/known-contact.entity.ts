import { EntitySchema } from 'typeorm';

export interface KnownContactRow {
  tenantId: string;
  contactId: string;
  firstName: string;
  lastName: string;
  learnedAt: Date;
  /** Set when fundraising erased the contact (GDPR); the names are then blank. */
  erasedAt: Date | null;
}

export const KnownContactEntity = new EntitySchema<KnownContactRow>({
  name: 'KnownContact',
  tableName: 'known_contacts',
  columns: {
    tenantId: { type: 'text', name: 'tenant_id', primary: true },
    contactId: { type: 'uuid', name: 'contact_id', primary: true },
    firstName: { type: 'text', name: 'first_name' },
    lastName: { type: 'text', name: 'last_name' },
    learnedAt: { type: 'timestamptz', name: 'learned_at' },
    erasedAt: { type: 'timestamptz', name: 'erased_at', nullable: true },
  },
});
