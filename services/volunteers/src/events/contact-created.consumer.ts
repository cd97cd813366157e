import type { ConsumerDefinition, EventHandlerArgs } from '@commonhold/kit';
import { KnownContactEntity } from '../entities/known-contact.entity';

interface ContactCreated {
  contactId: string;
  firstName: string;
  lastName: string;
}

/** Learns contacts from fundraising so registration can check them without reading its database. */
export async function onContactCreated({ event, m }: EventHandlerArgs<ContactCreated>): Promise<void> {
  await m
    .getRepository(KnownContactEntity)
    .upsert(
      { tenantId: event.tenantId, contactId: event.data.contactId, firstName: event.data.firstName, lastName: event.data.lastName, learnedAt: new Date() },
      ['tenantId', 'contactId'],
    );
}

export const contactProjectionConsumer: ConsumerDefinition = {
  group: 'volunteers.contact-projection',
  topics: ['fundraising.contact'],
  handlers: { 'commonhold.fundraising.contact.created.v1': onContactCreated },
};
