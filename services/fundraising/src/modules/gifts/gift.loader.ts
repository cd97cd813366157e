import { In } from 'typeorm';
import { byIdLoader, type RequestContext } from '@commonhold/kit';
import { GiftEntity, type GiftRow } from './gift.entity';

/** Gifts by id, batched per request. */
export const giftLoader = (ctx: RequestContext) => byIdLoader<GiftRow>(ctx, 'gift', (m, ids) => m.getRepository(GiftEntity).findBy({ id: In(ids) }));
