import { In } from 'typeorm';
import { byIdLoader, type RequestContext } from '@commonhold/kit';
import { ContactEntity, type ContactRow } from '../modules/contacts/contact.entity';
import { GiftEntity, type GiftRow } from '../modules/gifts/gift.entity';

export const contactLoader = (ctx: RequestContext) => byIdLoader<ContactRow>(ctx, 'contact', (m, ids) => m.getRepository(ContactEntity).findBy({ id: In(ids) }));
export const giftLoader = (ctx: RequestContext) => byIdLoader<GiftRow>(ctx, 'gift', (m, ids) => m.getRepository(GiftEntity).findBy({ id: In(ids) }));
