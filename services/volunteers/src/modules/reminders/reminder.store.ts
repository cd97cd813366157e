import type { DataSource, EntityManager } from 'typeorm';
import { REMINDED_STATUSES } from './reminder';

/** Signups of every tenant due a reminder in the window (the sweep's cross-tenant read, app.reminder_sweep). */
export async function dueReminders(ds: DataSource, from: Date, to: Date): Promise<{ tenantId: string; signupId: string }[]> {
  return ds.transaction(async (m) => {
    await m.query(`SELECT set_config('app.reminder_sweep', 'on', true)`);
    return m.query(
      `SELECT s.tenant_id AS "tenantId", s.id AS "signupId" FROM volunteer_signups s
         JOIN volunteer_shifts sh ON sh.tenant_id = s.tenant_id AND sh.id = s.shift_id
        WHERE sh.starts_at > $1 AND sh.starts_at <= $2 AND s.status = ANY($3) AND NOT s.waitlisted AND s.contact_id IS NOT NULL AND s.reminder_status IS NULL
        ORDER BY sh.starts_at, s.id LIMIT 5000`,
      [from, to, [...REMINDED_STATUSES]],
    );
  });
}

export interface ReminderSubject {
  signupId: string;
  contactId: string;
  status: string;
  waitlisted: boolean;
  reminderStatus: string | null;
  startsAt: Date;
  durationMinutes: number;
  job: string;
  location: string | null;
}

export async function reminderSubject(m: EntityManager, tenantId: string, signupId: string): Promise<ReminderSubject | null> {
  const [r] = await m.query(
    `SELECT s.id AS "signupId", s.contact_id AS "contactId", s.status, s.waitlisted, s.reminder_status AS "reminderStatus",
            sh.starts_at AS "startsAt", sh.duration_minutes AS "durationMinutes", j.name AS job, j.location
       FROM volunteer_signups s JOIN volunteer_shifts sh ON sh.tenant_id = s.tenant_id AND sh.id = s.shift_id
       JOIN volunteer_jobs j ON j.tenant_id = sh.tenant_id AND j.id = sh.job_id
      WHERE s.tenant_id = $1 AND s.id = $2 FOR UPDATE OF s`,
    [tenantId, signupId],
  );
  return r ?? null;
}

/** Records a reminder's outcome on its signup; an outcome never goes back to "not reminded". */
export async function markReminded(m: EntityManager, tenantId: string, signupId: string, status: string): Promise<void> {
  await m.query(`UPDATE volunteer_signups SET reminder_status = $3, reminded_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, signupId, status]);
}
