import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, writeAudit } from '@commonhold/kit';
import type { Command } from '../buildings';
import { agingRows, calendarDate, todayUtc } from '../ledger';
import { activePromise } from '../promises';
import { candidatePolicies, effectivePolicy, nextStep, type Decision, type PolicyRow } from '../dunning';
import { bucketOf, plannedEvent, reminderKey } from './run';
import { completeRunIfDone, findRun, historyOf, insertEvent, insertRun, runByScheduleKey, setRunCounts, type RunRow } from './run.store';

export interface PlanOptions {
  id?: string;
  asOf: string;
  dryRun: boolean;
  trigger: RunRow['trigger'];
  scheduleKey?: string | null;
  actor: string;
  /** Only these apartments (a broken promise's apartment); default: every apartment in arrears. */
  apartmentIds?: string[];
}

/**
 * Creates a run and records what it does per apartment in arrears on its date: the decision of the
 * policy in force (its version recorded with every event). A dry run records `previewed` events
 * only, which count for nothing. A real run records `pending` reminders (delivered by the worker)
 * and escalations; the unique reminder key makes a second planning of the same run a no-op, and
 * the unique (apartment, step, attempt) makes a racing run skip what another already recorded.
 * Returns the run (the existing one when the schedule key was taken).
 */
export async function planRun(m: EntityManager, tenantId: string, o: PlanOptions): Promise<RunRow> {
  const id = o.id ?? randomUUID();
  const inserted = await insertRun(m, tenantId, {
    id,
    asOf: o.asOf,
    dryRun: o.dryRun,
    trigger: o.trigger,
    scheduleKey: o.scheduleKey ?? null,
    startedBy: o.actor,
  });
  if (!inserted) return (await runByScheduleKey(m, tenantId, o.scheduleKey!))!;
  await writeAudit(m, {
    tenantId,
    actor: o.actor,
    action: o.dryRun ? 'dunning-run.previewed' : 'dunning-run.started',
    entityType: 'dunning-run',
    entityId: id,
    after: { asOf: o.asOf, dryRun: o.dryRun, trigger: o.trigger },
  });
  const rows = o.apartmentIds ? await agingRows(m, tenantId, o.asOf, { apartmentIds: o.apartmentIds }) : await agingRows(m, tenantId, o.asOf, {});
  for (const row of rows) {
    if (row.oldestDaysPastDue <= 0 || row.balanceMinor <= 0) continue;
    const candidates = await candidatePolicies(m, tenantId, row.buildingId, row.apartmentId);
    const policy = effectivePolicy(candidates, row.apartmentId, row.buildingId) as PolicyRow | null;
    if (!policy?.document) continue;
    const overdueMinor = row.d0_30 + row.d31_60 + row.d61_90 + row.d90Plus;
    const state = {
      asOf: o.asOf,
      overdueMinor,
      oldestDaysPastDue: row.oldestDaysPastDue,
      promiseActive: (await activePromise(m, tenantId, row.apartmentId)) !== null,
    };
    const decision: Decision = nextStep(policy.document, state, o.dryRun ? await historyOf(m, tenantId, row.apartmentId) : await historyOf(m, tenantId, row.apartmentId));
    const planned = plannedEvent(decision);
    if (!planned) continue;
    const [currency] = await m.query(`SELECT b.currency FROM buildings b WHERE b.tenant_id = $1 AND b.id = $2`, [tenantId, row.buildingId]);
    const eventId = randomUUID();
    const event = await insertEvent(m, tenantId, {
      id: eventId,
      runId: id,
      buildingId: row.buildingId,
      apartmentId: row.apartmentId,
      dryRun: o.dryRun,
      ...planned,
      bucket: bucketOf(row.oldestDaysPastDue),
      policyId: policy.id,
      policyVersion: policy.version,
      overdueMinor,
      currency: currency.currency,
      daysPastDue: row.oldestDaysPastDue,
      reminderKey: reminderKey(id, row.apartmentId, planned.channel ?? 'escalation', planned.stepKey),
      status: o.dryRun ? 'previewed' : planned.kind === 'reminder' ? 'pending' : 'escalated',
    });
    if (event && !o.dryRun) {
      await writeAudit(m, {
        tenantId,
        actor: o.actor,
        action: planned.kind === 'reminder' ? 'dunning-reminder.planned' : 'dunning-escalation.raised',
        entityType: 'dunning-event',
        entityId: eventId,
        after: {
          runId: id,
          apartmentId: row.apartmentId,
          stepKey: planned.stepKey,
          channel: planned.channel,
          attempt: planned.attempt,
          escalation: planned.escalation,
          policyId: policy.id,
          policyVersion: policy.version,
          overdueMinor,
        },
      });
    }
  }
  await setRunCounts(m, tenantId, id);
  // Nothing to deliver: the run is complete at once (its job then finds nothing to do).
  await completeRunIfDone(m, tenantId, id);
  return (await findRun(m, tenantId, id))!;
}

/** `startDunningRun`: a run by hand (or its dry run) on `asOf` (default today, UTC), idempotent under its key. */
export function startDunningRun(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'startDunningRun', input, async () => {
    const asOf = input.asOf == null ? todayUtc() : calendarDate('input.asOf', input.asOf);
    const run = await planRun(m, tenantId, {
      asOf,
      dryRun: input.dryRun === true,
      trigger: 'manual',
      actor: cmd.actor,
    });
    return run.id;
  });
}
