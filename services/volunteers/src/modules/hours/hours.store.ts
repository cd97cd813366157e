import type { EntityManager } from 'typeorm';
import { isUuid } from '@commonhold/kit';

/** Reads of completed hours: per contact (Contact.volunteering) and the volunteering reports. Set-based SQL. */

export interface VolunteeringRow {
  contactId: string;
  totalMinutes: number;
  minutesThisYear: number;
  firstVolunteeredAt: Date | null;
  lastVolunteeredAt: Date | null;
}

/** Each contact's completed hours in total and in `year` (UTC), first and last shift volunteered, in the order asked. */
export async function volunteeringOf(m: EntityManager, tenantId: string, contactIds: readonly string[], year: number): Promise<(VolunteeringRow | null)[]> {
  const rows: VolunteeringRow[] = await m.query(
    `SELECT s.contact_id AS "contactId",
            COALESCE(sum(s.minutes) FILTER (WHERE s.status = 'COMPLETED'), 0)::int AS "totalMinutes",
            COALESCE(sum(s.minutes) FILTER (WHERE s.status = 'COMPLETED' AND extract(year FROM sh.starts_at AT TIME ZONE 'UTC') = $3), 0)::int AS "minutesThisYear",
            min(sh.starts_at) FILTER (WHERE s.status = 'COMPLETED') AS "firstVolunteeredAt",
            max(sh.starts_at) FILTER (WHERE s.status = 'COMPLETED') AS "lastVolunteeredAt"
       FROM volunteer_signups s JOIN volunteer_shifts sh ON sh.tenant_id = s.tenant_id AND sh.id = s.shift_id
      WHERE s.tenant_id = $1 AND s.contact_id = ANY($2::uuid[])
      GROUP BY s.contact_id`,
    [tenantId, contactIds.filter(isUuid), year],
  );
  const byId = new Map(rows.map((r) => [r.contactId, r]));
  // A contact that never signed up for a shift in this organisation has no volunteering record (null).
  return contactIds.map((id) => byId.get(id) ?? null);
}

/** Completed hours by job and calendar month (UTC) of `year`. */
export function hoursByJobAndMonth(m: EntityManager, tenantId: string, year: number): Promise<{ jobId: string; jobName: string; month: string; minutes: number }[]> {
  return m.query(
    `SELECT j.id AS "jobId", j.name AS "jobName", to_char(date_trunc('month', sh.starts_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, sum(s.minutes)::int AS minutes
       FROM volunteer_signups s
       JOIN volunteer_shifts sh ON sh.tenant_id = s.tenant_id AND sh.id = s.shift_id
       JOIN volunteer_jobs j ON j.tenant_id = sh.tenant_id AND j.id = sh.job_id
      WHERE s.tenant_id = $1 AND s.status = 'COMPLETED' AND extract(year FROM sh.starts_at AT TIME ZONE 'UTC') = $2
      GROUP BY j.id, j.name, month ORDER BY month, j.name, j.id`,
    [tenantId, year],
  );
}

/**
 * Volunteers active (at least one completed shift) in `year`, churned (active in the year before,
 * not in `year`), and the no-show and completed counts of `year`.
 */
export async function activitySummary(m: EntityManager, tenantId: string, year: number): Promise<{ active: number; churned: number; completed: number; noShows: number }> {
  const [r] = await m.query(
    `WITH done AS (
       SELECT s.contact_id, extract(year FROM sh.starts_at AT TIME ZONE 'UTC')::int AS y, s.status
         FROM volunteer_signups s JOIN volunteer_shifts sh ON sh.tenant_id = s.tenant_id AND sh.id = s.shift_id
        WHERE s.tenant_id = $1 AND s.contact_id IS NOT NULL AND s.status IN ('COMPLETED', 'NO_SHOW')
          AND sh.starts_at >= make_timestamptz($2 - 1, 1, 1, 0, 0, 0, 'UTC') AND sh.starts_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')
     )
     SELECT (SELECT count(DISTINCT contact_id) FROM done WHERE y = $2 AND status = 'COMPLETED')::int AS active,
            (SELECT count(*) FROM (SELECT contact_id FROM done WHERE y = $2 - 1 AND status = 'COMPLETED'
                                   EXCEPT SELECT contact_id FROM done WHERE y = $2 AND status = 'COMPLETED') c)::int AS churned,
            (SELECT count(*) FROM done WHERE y = $2 AND status = 'COMPLETED')::int AS completed,
            (SELECT count(*) FROM done WHERE y = $2 AND status = 'NO_SHOW')::int AS "noShows"`,
    [tenantId, year],
  );
  return r;
}
