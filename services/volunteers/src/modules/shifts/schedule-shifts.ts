import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, notFound, writeAudit } from '@commonhold/kit';
import { planShifts } from './shift';
import { findJob, insertShifts, type ShiftRow } from './shift.store';

export interface ScheduleShiftsCommand {
  tenantId: string;
  actor: string;
  input: Record<string, unknown> & { jobId: string; idempotencyKey: string };
}

/** Schedules one shift of a job, or a series from an RRULE (all or nothing), once per idempotency key. */
export function scheduleShifts(m: EntityManager, cmd: ScheduleShiftsCommand): Promise<string[]> {
  return idempotent(m, cmd.tenantId, 'scheduleVolunteerShifts', cmd.input, async () => {
    const plan = planShifts(cmd.input);
    const job = await findJob(m, cmd.tenantId, cmd.input.jobId);
    if (!job) throw notFound('input.jobId', `No volunteer job ${cmd.input.jobId}`);
    const seriesId = plan.recurrence ? randomUUID() : null;
    const shifts: ShiftRow[] = plan.starts.map((startsAt) => ({ id: randomUUID(), jobId: job.id, startsAt, durationMinutes: plan.durationMinutes, capacity: plan.capacity, recurrence: plan.recurrence, seriesId }));
    await insertShifts(m, cmd.tenantId, shifts);
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'volunteer-shifts.scheduled', entityType: 'VolunteerJob', entityId: job.id, after: { count: shifts.length, recurrence: plan.recurrence, seriesId } });
    return shifts.map((s) => s.id);
  });
}
