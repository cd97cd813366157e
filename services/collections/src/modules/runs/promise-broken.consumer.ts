import { randomUUID } from 'node:crypto';
import type { ConsumerDefinition, EventHandlerArgs, EventPayloads, ServiceRuntime } from '@commonhold/kit';
import { writeAudit } from '@commonhold/kit';
import { todayUtc } from '../ledger';
import { insertEvent, setRunCounts } from './run.store';
import { planRun } from './start-run';
import { reminderKey } from './run';
import { dunningWorkerOf } from './worker';

type Broken = EventPayloads['commonhold.collections.promise-to-pay.broken.v1'];

/**
 * A broken promise escalates at once: a run for the apartment today (dunning resumes where the
 * promise paused it, without waiting for the daily run) and a manager task recorded as an
 * escalation of that run. Exactly once per event through the kit's inbox.
 */
export function promiseBrokenConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'collections.dunning-promise-broken',
    topics: ['collections.promise-to-pay'],
    handlers: {
      'commonhold.collections.promise-to-pay.broken.v1': async ({ event, m }: EventHandlerArgs<Broken>) => {
        const d = event.data;
        if (!(await rt.flags.isOn('ENABLE_COLLECTIONS_OS', event.tenantId))) return;
        const run = await planRun(m, event.tenantId, {
          asOf: todayUtc(),
          dryRun: false,
          trigger: 'promise_broken',
          actor: 'collections.promise-broken',
          apartmentIds: [d.apartmentId],
        });
        const [policy] = await m.query(
          `SELECT id, version FROM dunning_policies WHERE tenant_id = $1 AND ((scope = 'apartment' AND apartment_id = $2) OR (scope = 'building' AND building_id = $3) OR scope = 'tenant') AND document IS NOT NULL
           ORDER BY CASE scope WHEN 'apartment' THEN 0 WHEN 'building' THEN 1 ELSE 2 END, version DESC LIMIT 1`,
          [event.tenantId, d.apartmentId, d.buildingId],
        );
        const id = randomUUID();
        const task = await insertEvent(m, event.tenantId, {
          id,
          runId: run.id,
          buildingId: d.buildingId,
          apartmentId: d.apartmentId,
          dryRun: false,
          kind: 'escalation',
          channel: null,
          stepKey: `promise-${d.promiseId.slice(0, 8)}`,
          bucket: 'broken_promise',
          policyId: policy?.id ?? d.promiseId,
          policyVersion: policy?.version ?? 0,
          attempt: null,
          escalation: 'manager_task',
          template: null,
          overdueMinor: Math.max(0, d.instalments.reduce((s, i) => s + i.amountMinor, 0) - d.paidMinor),
          currency: d.currency,
          daysPastDue: 0,
          reminderKey: reminderKey(run.id, d.apartmentId, 'escalation', `promise-${d.promiseId}`),
          status: 'escalated',
          episodeOn: null,
        });
        if (task) {
          await writeAudit(m, {
            tenantId: event.tenantId,
            actor: 'collections.promise-broken',
            action: 'dunning-escalation.raised',
            entityType: 'dunning-event',
            entityId: id,
            after: {
              runId: run.id,
              promiseId: d.promiseId,
              escalation: 'manager_task',
              shortOn: d.shortOn,
            },
          });
        }
        await setRunCounts(m, event.tenantId, run.id);
        await (await dunningWorkerOf(rt)).enqueueRun(event.tenantId, run.id, m);
      },
    },
  };
}
