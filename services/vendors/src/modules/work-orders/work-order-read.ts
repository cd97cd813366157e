import { isUuid, money, type RequestContext } from '@commonhold/kit';
import DataLoader from 'dataloader';
import { findWorkOrders, type WorkOrderRow } from './work-order.store';

const up = (s: string) => s.toUpperCase();
const amount = (minor: string | null, currency: string) => (minor === null ? null : money(minor, currency));

export const workOrderOut = (w: WorkOrderRow) => ({
  id: w.id,
  buildingId: w.building_id,
  category: w.category,
  title: w.title,
  description: w.description,
  status: up(w.status),
  budget: amount(w.budget_minor, w.currency),
  requestId: w.request_id,
  voteId: w.vote_id,
  vendorId: w.vendor_id,
  tenderId: w.tender_id,
  agreedPrice: amount(w.agreed_minor, w.currency),
  responseHours: w.response_hours,
  completionDays: w.completion_days,
  offeredAt: w.offered_at,
  responseDueAt: w.response_due_at,
  acceptedAt: w.accepted_at,
  declinedAt: w.declined_at,
  declineReason: w.decline_reason,
  startedAt: w.started_at,
  completionDueAt: w.completion_due_at,
  completedAt: w.completed_at,
  completionNotes: w.completion_notes,
  invoice: amount(w.invoice_minor, w.currency),
  verifiedAt: w.verified_at,
  rating: w.rating,
  verificationNotes: w.verification_notes,
  closedAt: w.closed_at,
  cancelledAt: w.cancelled_at,
  cancelReason: w.cancel_reason,
  createdAt: w.created_at,
  updatedAt: w.updated_at,
});
export type WorkOrderOut = ReturnType<typeof workOrderOut>;


/** The work order, read in the caller's transaction (RLS: a vendor user reads only its own). */
export async function loadWorkOrder(ctx: RequestContext, id: string): Promise<WorkOrderOut | null> {
  const loader = ctx.loader('work-orders', () => new DataLoader<string, WorkOrderRow | null>(async (ids) => {
    const rows = await ctx.tx((m) => findWorkOrders(m, ctx.principal.tenantId, ids));
    return ids.map((i) => rows.find((r) => r.id === i) ?? null);
  }));
  const w = isUuid(id) ? await loader.load(id.toLowerCase()) : null;
  return w ? workOrderOut(w) : null;
}

