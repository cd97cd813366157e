import DataLoader from 'dataloader';
import type { RequestContext } from '@commonhold/kit';
import { signupsByIds, type SignupRow } from './signup.store';

export const signupLoader = (ctx: RequestContext) =>
  ctx.loader('volunteer-signup', () => new DataLoader<string, SignupRow | null>((ids) => ctx.tx((m) => signupsByIds(m, ctx.principal.tenantId, ids))));
