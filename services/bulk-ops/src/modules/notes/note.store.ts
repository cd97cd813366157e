import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';
import { NoteEntity, type NoteRow } from './note.entity';

/** Reads and writes of notes; row-level security scopes every query to the caller's tenant. */
export async function insertNote(m: EntityManager, row: Omit<NoteRow, 'createdAt'>): Promise<void> {
  await m.getRepository(NoteEntity).insert(row);
}

export function findNote(m: EntityManager, id: string): Promise<NoteRow | null> {
  return m.getRepository(NoteEntity).findOneBy({ id });
}

export function pageNotes(m: EntityManager, args: PageArgs) {
  return keysetPage<NoteRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, ({ after, take }) =>
    m
      .getRepository(NoteEntity)
      .createQueryBuilder('n')
      .where(after ? '(n.created_at, n.id) < (:at, :id)' : 'TRUE', after ? { at: after[0], id: after[1] } : {})
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(take)
      .getMany(),
  );
}

export async function noteCount(m: EntityManager): Promise<number> {
  return (await m.query('SELECT notes FROM note_counts'))[0]?.notes ?? 0;
}
