import { EntitySchema } from 'typeorm';
import type { ContactKind } from './contact';

export interface ContactRow {
  id: string;
  tenantId: string;
  kind: ContactKind;
  title: string | null;
  /** Null for organisations. */
  firstName: string | null;
  /** A person's last name; an organisation's name (mirrors organisationName). */
  lastName: string;
  organisationName: string | null;
  email: string | null;
  phone: string | null;
  houseNameOrNumber: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  postcode: string | null;
  country: string | null;
  householdId: string | null;
  excludeFromHouseholdName: boolean;
  mergedIntoId: string | null;
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const text = (name?: string) => ({ type: 'text' as const, nullable: true, ...(name ? { name } : {}) });

export const ContactEntity = new EntitySchema<ContactRow>({
  name: 'Contact',
  tableName: 'contacts',
  columns: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'text', name: 'tenant_id' },
    kind: { type: 'text', default: 'PERSON' },
    title: text(),
    firstName: text('first_name'),
    lastName: { type: 'text', name: 'last_name' },
    organisationName: text('organisation_name'),
    email: text(),
    phone: text(),
    houseNameOrNumber: text('house_name_or_number'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text(),
    postcode: text(),
    country: { type: 'char', length: 2, nullable: true },
    householdId: { type: 'uuid', name: 'household_id', nullable: true },
    excludeFromHouseholdName: { type: 'boolean', name: 'exclude_from_household_name', default: false },
    mergedIntoId: { type: 'uuid', name: 'merged_into_id', nullable: true },
    erasedAt: { type: 'timestamptz', name: 'erased_at', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at', default: () => 'now()' },
  },
});
