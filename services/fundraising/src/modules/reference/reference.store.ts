import type { EntityManager } from 'typeorm';
import { AppError } from '@commonhold/kit';

export type ReferenceTable = 'campaigns' | 'appeals' | 'funds';

/** Inserts a reference row (campaign, appeal, fund) unless its code is taken in this tenant. */
export async function insertReference(m: EntityManager, table: ReferenceTable, row: Record<string, unknown>) {
  const cols = Object.keys(row);
  const inserted = await m.query(
    `INSERT INTO ${table} (${cols.map((c) => c.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`)).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (tenant_id, code) DO NOTHING RETURNING id`,
    Object.values(row),
  );
  if (!inserted.length) throw new AppError('CONFLICT', `A ${table.slice(0, -1)} with code ${row.code} already exists`, { field: 'input.code' });
}

/** One reference row by id (undefined when there is none). */
export async function loadReference(m: EntityManager, table: ReferenceTable, id: string): Promise<Record<string, unknown> | undefined> {
  return (await m.query(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];
}
