import { publishEvents, writeAudit, type ConsumerDefinition, type EventHandlerArgs, type EventPayloads, type ServiceRuntime } from '@commonhold/kit';
import { newEvent } from '@commonhold/kit/domain';
import type { NotificationMessage } from '@commonhold/notifications';
import { dunningWorkerOf } from '../runs';
import { bulkReminderKey, routeReminder, type ReminderChannel } from './reminder';
import { reminderTargets, type ReminderTarget } from './reminder-command.store';

type Requested = EventPayloads['commonhold.bulk-ops.reminder-command.requested.v1'];
type Result = EventPayloads['commonhold.collections.reminder-command.completed.v1']['results'][number];

/** The message of one reminder on its channel (letters to the owner's postal address, else to the apartment). */
function messageOf(tenantId: string, key: string, template: string, note: string | null, t: ReminderTarget, channel: ReminderChannel, correlation: Record<string, string>): NotificationMessage {
  const o = t.owner!;
  const base = {
    tenantId,
    idempotencyKey: key,
    template: { name: template },
    data: { owner: o.name ?? 'owner', unit: t.unit, building: t.building.name, paymentReference: t.paymentReference, balance: t.balanceMinor, currency: t.building.currency, message: note ?? '' },
    correlation,
  };
  if (channel === 'email') return { ...base, channel, to: { address: o.email!, ...(o.name ? { name: o.name } : {}) } };
  if (channel === 'sms') return { ...base, channel, to: { phone: o.phone! } };
  const lines = o.postalAddress
    ? o.postalAddress.split(/\n|;/).map((l) => l.trim()).filter(Boolean)
    : [`Unit ${t.unit}, ${t.building.line1}`, ...(t.building.line2 ? [t.building.line2] : []), t.building.city, t.building.postcode];
  return {
    ...base,
    channel,
    to: { name: o.name ?? `The owner of unit ${t.unit}`, lines },
    sender: { name: t.building.name, lines: [t.building.line1, t.building.city, t.building.postcode] },
  };
}

/**
 * Answers bulk-ops' reminder commands: sends each item's reminder through collections' notifier (the
 * dunning worker's: same templates, delivery records in `notification_deliveries`, same SMTP/SMS/letter
 * channels) on the owner's preferred channel when they consented to it, under the delivery key
 * `bulk-reminder/<jobId>/<itemId>` — an item delivered again (redelivered event, retried item) is
 * never sent twice, the notifier answers with the record it has. An item that cannot go answers
 * failed with a typed code (NO_CONSENT, NO_ADDRESS, NO_OWNER, NOT_FOUND) and sends nothing; a
 * transient channel failure answers DELIVERY_DEFERRED (retryable). The answer and the audit rows
 * leave in the event's transaction.
 */
export function reminderCommandConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'collections.bulk-commands',
    topics: ['bulk-ops.reminder-command'],
    handlers: {
      'commonhold.bulk-ops.reminder-command.requested.v1': async ({ event, m }: EventHandlerArgs<Requested>) => {
        const d = event.data;
        const tenantId = event.tenantId;
        const notifier = (await dunningWorkerOf(rt)).notifier;
        const targets = await reminderTargets(m, tenantId, d.items.map((i) => i.apartmentId));
        const actor = `bulk-job:${d.jobId}`;
        const results: Result[] = [];
        for (const item of d.items) {
          const t = targets.get(item.apartmentId);
          const route = routeReminder(!!t, t?.owner ? { preferredChannel: t.owner.preferredChannel, consent: t.owner.consent, reachable: { email: !!t.owner.email, sms: !!t.owner.phone, letter: true } } : null);
          const key = bulkReminderKey(d.jobId, item.itemId);
          let result: Result;
          if (!('channel' in route)) {
            result = { itemId: item.itemId, apartmentId: item.apartmentId, status: 'failed', channel: null, deliveryKey: null, error: route };
          } else {
            const record = await notifier.send(messageOf(tenantId, key, d.template, d.message, t!, route.channel, { bulkJobId: d.jobId, bulkJobItemId: item.itemId }));
            const ok = record.status === 'sent' || record.status === 'delivered';
            const transient = record.status === 'deferred' || record.status === 'pending';
            result = ok
              ? { itemId: item.itemId, apartmentId: item.apartmentId, status: 'sent', channel: route.channel, deliveryKey: key, error: null }
              : {
                  itemId: item.itemId,
                  apartmentId: item.apartmentId,
                  status: 'failed',
                  channel: route.channel,
                  deliveryKey: key,
                  error: {
                    code: transient ? 'DELIVERY_DEFERRED' : 'DELIVERY_FAILED',
                    message: record.lastError?.message ?? `delivery ${record.status}`,
                    field: null,
                    retryable: transient,
                  },
                };
          }
          results.push(result);
          await writeAudit(m, {
            tenantId,
            actor,
            action: `bulk-reminder.${result.status}`,
            entityType: 'apartment',
            entityId: item.apartmentId,
            after: { jobId: d.jobId, itemId: item.itemId, channel: result.channel, deliveryKey: result.deliveryKey, error: result.error?.code ?? null },
          });
        }
        await publishEvents(m, rt.registry, tenantId, [newEvent('commonhold.collections.reminder-command.completed.v1', d.commandId, { commandId: d.commandId, jobId: d.jobId, results }, d.jobId)]);
      },
    },
  };
}
