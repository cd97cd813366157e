import type { EntityManager } from 'typeorm';
import { badInput, idempotent, writeAudit } from '@commonhold/kit';
import type { Command } from '../buildings';
import { validTimeZone } from './run';

export interface Schedule {
  timeZone: string;
  localHour: number;
  enabled: boolean;
}

export async function scheduleOf(m: EntityManager, tenantId: string): Promise<Schedule | null> {
  return (await m.query(`SELECT time_zone AS "timeZone", local_hour AS "localHour", enabled FROM dunning_schedules WHERE tenant_id = $1`, [tenantId]))[0] ?? null;
}

/** Sets when the tenant's daily run starts (its time zone and local hour), audited. */
export function setDunningSchedule(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<Schedule> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'setDunningSchedule', input, async () => {
    const timeZone = validTimeZone('input.timeZone', input.timeZone);
    const localHour = input.localHour;
    if (!Number.isInteger(localHour) || (localHour as number) < 0 || (localHour as number) > 23) throw badInput('input.localHour', 'localHour must be an integer from 0 to 23');
    const before = await scheduleOf(m, tenantId);
    const after: Schedule = {
      timeZone,
      localHour: localHour as number,
      enabled: input.enabled === true,
    };
    await m.query(
      `INSERT INTO dunning_schedules (tenant_id, time_zone, local_hour, enabled) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET time_zone = $2, local_hour = $3, enabled = $4, updated_at = now()`,
      [tenantId, after.timeZone, after.localHour, after.enabled],
    );
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: 'dunning-schedule.set',
      entityType: 'dunning-schedule',
      entityId: tenantId,
      before,
      after,
    });
    return after;
  });
}
