import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A TypeORM migration that runs plain SQL statements in order. `name` must end with the
 * migration's timestamp (e.g. `CreateFundraising1763800000100`), which orders migrations.
 */
export function sqlMigration(name: string, up: string[], down: string[]): new () => MigrationInterface {
  if (!/\d{13}$/.test(name)) throw new Error(`Migration name ${name} must end with a 13-digit timestamp`);
  const Migration = class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const s of up) await q.query(s);
    }
    async down(q: QueryRunner): Promise<void> {
      for (const s of down) await q.query(s);
    }
  };
  Object.defineProperty(Migration, 'name', { value: name });
  return Migration;
}
