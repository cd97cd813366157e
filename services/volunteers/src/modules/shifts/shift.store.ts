import type { EntityManager } from 'typeorm';
import { isUuid, parsePage, toConnection, type PageArgs } from '@commonhold/kit';
import type { JobFields } from './shift';

/** Reads and writes of jobs and shifts, tenant first (RLS fences them too). */

export interface JobRow extends JobFields {
  id: string;
  createdAt: Date;
}

export interface ShiftRow {
  id: string;
  jobId: string;
  startsAt: Date;
  durationMinutes: number;
  capacity: number;
  recurrence: string | null;
  seriesId: string | null;
}

const JOB_COLUMNS = `id, name, description, location, skills, created_at AS "createdAt"`;
const SHIFT_COLUMNS = `id, job_id AS "jobId", starts_at AS "startsAt", duration_minutes AS "durationMinutes", capacity, recurrence, series_id AS "seriesId"`;

export async function insertJob(m: EntityManager, tenantId: string, job: JobFields & { id: string }): Promise<void> {
  await m.query(`INSERT INTO volunteer_jobs (tenant_id, id, name, description, location, skills) VALUES ($1, $2, $3, $4, $5, $6)`, [
    tenantId, job.id, job.name, job.description, job.location, job.skills,
  ]);
}

export async function findJob(m: EntityManager, tenantId: string, id: string): Promise<JobRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await m.query(`SELECT ${JOB_COLUMNS} FROM volunteer_jobs WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return row ?? null;
}

export async function jobsByIds(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<(JobRow | null)[]> {
  const rows: JobRow[] = await m.query(`SELECT ${JOB_COLUMNS} FROM volunteer_jobs WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids.filter(isUuid)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Jobs, newest first, keyset-paged. */
export async function pageJobs(m: EntityManager, tenantId: string, args: PageArgs) {
  const { limit, after } = parsePage(args, 100, 20, ['instant', 'uuid']);
  const rows: JobRow[] = await m.query(
    `SELECT ${JOB_COLUMNS} FROM volunteer_jobs WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [tenantId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
  );
  return toConnection(rows, limit, (r) => [new Date(r.createdAt).toISOString(), r.id], !!after);
}

export async function insertShifts(m: EntityManager, tenantId: string, shifts: ShiftRow[]): Promise<void> {
  await m.query(
    `INSERT INTO volunteer_shifts (tenant_id, id, job_id, starts_at, duration_minutes, capacity, recurrence, series_id)
     SELECT $1, s.id, s.job_id, s.starts_at, s.duration_minutes, s.capacity, s.recurrence, s.series_id
       FROM jsonb_to_recordset($2::jsonb) AS s(id uuid, job_id uuid, starts_at timestamptz, duration_minutes int, capacity int, recurrence text, series_id uuid)`,
    [tenantId, JSON.stringify(shifts.map((s) => ({ id: s.id, job_id: s.jobId, starts_at: s.startsAt.toISOString(), duration_minutes: s.durationMinutes, capacity: s.capacity, recurrence: s.recurrence, series_id: s.seriesId })))],
  );
}

/** A shift, optionally locked (`FOR UPDATE`): signups for one shift take their places one at a time. */
export async function findShift(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<ShiftRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await m.query(`SELECT ${SHIFT_COLUMNS} FROM volunteer_shifts WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

export async function shiftsByIds(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<(ShiftRow | null)[]> {
  const rows: ShiftRow[] = await m.query(`SELECT ${SHIFT_COLUMNS} FROM volunteer_shifts WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids.filter(isUuid)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** A job's shifts from `from` on, soonest first, keyset-paged. */
export async function pageShifts(m: EntityManager, tenantId: string, jobId: string, from: Date | null, args: PageArgs) {
  const { limit, after } = parsePage(args, 200, 50, ['instant', 'uuid']);
  const rows: ShiftRow[] = await m.query(
    `SELECT ${SHIFT_COLUMNS} FROM volunteer_shifts WHERE tenant_id = $1 AND job_id = $2 AND ($3::timestamptz IS NULL OR starts_at >= $3)
       AND ($4::timestamptz IS NULL OR (starts_at, id) > ($4, $5::uuid))
     ORDER BY starts_at, id LIMIT $6`,
    [tenantId, jobId, from, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
  );
  return toConnection(rows, limit, (r) => [new Date(r.startsAt).toISOString(), r.id], !!after);
}
