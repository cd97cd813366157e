import { EntitySchema } from 'typeorm';

export type VolunteerStatus = 'ACTIVE' | 'INACTIVE';

export interface VolunteerProfileRow {
  tenantId: string;
  contactId: string;
  status: VolunteerStatus;
  registeredAt: Date;
}

export const VolunteerProfileEntity = new EntitySchema<VolunteerProfileRow>({
  name: 'VolunteerProfile',
  tableName: 'volunteer_profiles',
  columns: {
    tenantId: { type: 'text', name: 'tenant_id', primary: true },
    contactId: { type: 'uuid', name: 'contact_id', primary: true },
    status: { type: 'text' },
    registeredAt: { type: 'timestamptz', name: 'registered_at' },
  },
});
