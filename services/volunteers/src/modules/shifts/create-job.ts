import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, writeAudit } from '@commonhold/kit';
import { validateJob } from './shift';
import { insertJob } from './shift.store';

export interface CreateJobCommand {
  tenantId: string;
  actor: string;
  input: Record<string, unknown> & { idempotencyKey: string };
}

/** Creates a volunteer job (description, location, skills), once per idempotency key. */
export function createJob(m: EntityManager, cmd: CreateJobCommand): Promise<string> {
  return idempotent(m, cmd.tenantId, 'createVolunteerJob', cmd.input, async () => {
    const job = validateJob(cmd.input);
    const id = randomUUID();
    await insertJob(m, cmd.tenantId, { id, ...job });
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'volunteer-job.created', entityType: 'VolunteerJob', entityId: id, after: job });
    return id;
  });
}
