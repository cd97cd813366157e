import { AppError, idempotent, publishEvents, type ConsumerDefinition, type EventHandlerArgs, type EventPayloads, type ServiceRuntime } from '@commonhold/kit';
import { newEvent } from '@commonhold/kit/domain';
import { createContact, findDuplicates, matchProbe } from '../contacts';
import { chooseMatch, DROPPABLE_FIELDS } from './contact-match';

type Requested = EventPayloads['commonhold.volunteers.contact-match.requested.v1'];
export const CONTACT_MATCH_COMPLETED = 'commonhold.fundraising.contact-match.completed.v1';

/**
 * Answers volunteers' contact-match command (a public shift sign-up): matches the person with the
 * contacts module's duplicate rules or creates the contact (announced by contact.created), then
 * answers contact-match.completed with the request id. Idempotent by request id (the kit's
 * idempotency record): however often the command arrives, one contact and one answer.
 */
export function contactMatchConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'fundraising.contact-matching',
    topics: ['volunteers.contact-match'],
    handlers: {
      'commonhold.volunteers.contact-match.requested.v1': async ({ event, m }: EventHandlerArgs<Requested>) => {
        const d = event.data;
        const tenantId = event.tenantId;
        await idempotent(m, tenantId, 'contactMatch', { idempotencyKey: d.requestId }, async () => {
          const { contactId, outcome } = await matchOrCreate(m, rt, tenantId, d);
          await publishEvents(m, rt.registry, tenantId, [newEvent(CONTACT_MATCH_COMPLETED, contactId, { requestId: d.requestId, contactId, outcome }, d.requestId)]);
          return { contactId, outcome };
        });
      },
    },
  };
}

async function matchOrCreate(m: EventHandlerArgs['m'], rt: ServiceRuntime, tenantId: string, d: Requested): Promise<{ contactId: string; outcome: 'matched' | 'created' }> {
  // A postcode or email the contact rules would refuse does not stop the match: it is left out.
  let probe;
  try {
    probe = matchProbe({ email: d.email, firstName: d.firstName, lastName: d.lastName, postcode: d.postcode });
  } catch {
    probe = matchProbe({ email: null, firstName: d.firstName, lastName: d.lastName, postcode: null });
  }
  const matched = chooseMatch(await findDuplicates(m, tenantId, probe));
  if (matched) return { contactId: matched, outcome: 'matched' };
  const fields: { email: string | null; phone: string | null; postcode: string | null } = { email: d.email, phone: d.phone, postcode: d.postcode };
  for (let attempt = 0; ; attempt++) {
    await m.query('SAVEPOINT contact_match');
    try {
      const { contactId } = await createContact(m, rt.registry, {
        tenantId,
        actor: 'volunteers.public-signup',
        input: { firstName: d.firstName, lastName: d.lastName, email: fields.email, phone: fields.phone, address: fields.postcode ? { postcode: fields.postcode } : null, idempotencyKey: `contact-match:${d.requestId}` },
      });
      await m.query('RELEASE SAVEPOINT contact_match');
      return { contactId, outcome: 'created' };
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT contact_match');
      const field = err instanceof AppError ? String(err.extensions.field ?? '') : '';
      const drop = DROPPABLE_FIELDS[field as keyof typeof DROPPABLE_FIELDS];
      if (!drop || fields[drop] === null || attempt >= 3) throw err;
      fields[drop] = null;
    }
  }
}
