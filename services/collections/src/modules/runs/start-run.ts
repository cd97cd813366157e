import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, writeAudit, writeAudits } from '@commonhold/kit';
import type { Command } from '../buildings';
import { agingRows, calendarDate, todayUtc } from '../ledger';
import { apartmentsWithActivePromise } from '../promises';
import { effectivePolicy, episodeDueOn, episodeHistory, latestPolicies, nextStep, type Decision, type PolicyRow } from '../dunning';
import { bucketOf, plannedEvent, reminderKey } from './run';
import { completeRunIfDone, findRun, historiesOf, insertEvents, insertRun, runByScheduleKey, setRunCounts, type NewEvent, type RunRow } from './run.store';

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
  // Set-based planning: the positions of every apartment in arrears, then the tenant's policies, the
  // active promises and the dunning history of all of them in one query each; the decisions are made in
  // memory (`nextStep`, pure) and the events and their audit rows written in one statement each.
  const rows = (await agingRows(m, tenantId, o.asOf, o.apartmentIds ? { apartmentIds: o.apartmentIds } : {})).filter((r) => r.oldestDaysPastDue > 0 && r.balanceMinor > 0);
  const ids = rows.map((r) => r.apartmentId);
  const policies = await latestPolicies(m, tenantId);
  const promised = await apartmentsWithActivePromise(m, tenantId, ids);
  const histories = await historiesOf(m, tenantId, ids);
  const currencies: { id: string; currency: string }[] = await m.query(`SELECT id, currency FROM buildings WHERE tenant_id = $1`, [tenantId]);
  const currencyOf = new Map(currencies.map((b) => [b.id, b.currency]));
  const events: NewEvent[] = [];
  for (const row of rows) {
    const policy = effectivePolicy(policies, row.apartmentId, row.buildingId) as PolicyRow | null;
    if (!policy?.document) continue;
    const overdueMinor = row.d0_30 + row.d31_60 + row.d61_90 + row.d90Plus;
    const state = { asOf: o.asOf, overdueMinor, oldestDaysPastDue: row.oldestDaysPastDue, promiseActive: promised.has(row.apartmentId) };
    // Only what was done in the current overdue episode counts: after a paid-off debt the policy starts again.
    const decision: Decision = nextStep(policy.document, state, episodeHistory(histories.get(row.apartmentId) ?? [], state));
    const planned = plannedEvent(decision);
    if (!planned) continue;
    events.push({
      id: randomUUID(),
      runId: id,
      buildingId: row.buildingId,
      apartmentId: row.apartmentId,
      dryRun: o.dryRun,
      ...planned,
      bucket: bucketOf(row.oldestDaysPastDue),
      policyId: policy.id,
      policyVersion: policy.version,
      overdueMinor,
      currency: currencyOf.get(row.buildingId)!,
      daysPastDue: row.oldestDaysPastDue,
      reminderKey: reminderKey(id, row.apartmentId, planned.channel ?? 'escalation', planned.stepKey),
      status: o.dryRun ? 'previewed' : planned.kind === 'reminder' ? 'pending' : 'escalated',
      episodeOn: episodeDueOn(state),
    });
  }
  const recorded = await insertEvents(m, tenantId, events);
  if (!o.dryRun) {
    await writeAudits(
      m,
      events
        .filter((e) => recorded.has(e.id))
        .map((e) => ({
          tenantId,
          actor: o.actor,
          action: e.kind === 'reminder' ? 'dunning-reminder.planned' : 'dunning-escalation.raised',
          entityType: 'dunning-event',
          entityId: e.id,
          after: {
            runId: id,
            apartmentId: e.apartmentId,
            stepKey: e.stepKey,
            channel: e.channel,
            attempt: e.attempt,
            escalation: e.escalation,
            policyId: e.policyId,
            policyVersion: e.policyVersion,
            overdueMinor: e.overdueMinor,
          },
        })),
    );
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
