import { EntitySchema } from 'typeorm';

export interface NoteRow {
  id: string;
  tenantId: string;
  title: string;
  createdAt: Date;
}

export const NoteEntity = new EntitySchema<NoteRow>({
  name: 'BulkOpsNote',
  tableName: 'notes',
  columns: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'text', name: 'tenant_id' },
    title: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});
