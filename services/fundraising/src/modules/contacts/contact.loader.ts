import { In } from 'typeorm';
import { byIdLoader, type RequestContext } from '@commonhold/kit';
import { ContactEntity, type ContactRow } from './contact.entity';

/** Contacts by id, batched per request (every module resolving a `contact` field uses this one). */
export const contactLoader = (ctx: RequestContext) => byIdLoader<ContactRow>(ctx, 'contact', (m, ids) => m.getRepository(ContactEntity).findBy({ id: In(ids) }));
