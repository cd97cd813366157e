import DataLoader from 'dataloader';
import type { RequestContext } from '@commonhold/kit';
import { jobsByIds, shiftsByIds, type JobRow, type ShiftRow } from './shift.store';

/** Per-request loaders of jobs and shifts by id (the caller's tenant). */
export const jobLoader = (ctx: RequestContext) =>
  ctx.loader('volunteer-job', () => new DataLoader<string, JobRow | null>((ids) => ctx.tx((m) => jobsByIds(m, ctx.principal.tenantId, ids))));
export const shiftLoader = (ctx: RequestContext) =>
  ctx.loader('volunteer-shift', () => new DataLoader<string, ShiftRow | null>((ids) => ctx.tx((m) => shiftsByIds(m, ctx.principal.tenantId, ids))));
