import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, newEvent, notFound, parseMoney, publishEvents, requiredText, writeAudit, type EventRegistry } from '@commonhold/kit';
import { buildingFact } from '../directory';
import { eligibility, findVendor, notEligible, TRADE_PATTERN, vendorFacts, type Command, type VendorRow } from '../vendors';
import { completionDueAt, responseDueAt, slaBreach, transition, type WorkOrderStatus } from './work-order';
import { findWorkOrder, insertWorkOrder, openKpiFact, updateKpiFact, updateWorkOrder, type NewWorkOrder, type WorkOrderRow } from './work-order.store';
import { currentTraceId } from './trace-id';

/** What a use case hands back to run only once its transaction committed (metrics), never on a replay. */
export type AfterCommit = (() => void)[];
export type SlaBreachSink = (kind: 'response' | 'completion') => void;

export interface WorkOrderDeps {
  registry: EventRegistry;
  afterCommit: AfterCommit;
  onBreach: SlaBreachSink;
}

const today = (now: Date) => now.toISOString().slice(0, 10);

/** The answer every new work order gets on the agreed contract (requestId null when made by hand). */
const createdEvent = (w: NewWorkOrder) =>
  newEvent('commonhold.vendors.work-order.created.v1', w.id, { workOrderId: w.id, requestId: w.requestId, buildingId: w.buildingId, category: w.category, status: 'requested', createdAt: w.createdAt.toISOString() }, w.buildingId);

function optionalPositiveInt(field: string, v: unknown, max: number): number | null {
  if (v == null) return null;
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) throw badInput(field, `${field.split('.').pop()} must be a whole number from 1 to ${max}`);
  return v as number;
}

function optionalText(field: string, v: unknown, max: number): string | null {
  if (v == null || v === '') return null;
  if (typeof v !== 'string' || v.length > max) throw badInput(field, `${field.split('.').pop()} must be at most ${max} characters`);
  return v;
}

/** Loads the work order for a change (locked), NOT_FOUND when absent or outside the caller's scope. */
async function load(m: EntityManager, tenantId: string, id: unknown, field = 'input.id'): Promise<WorkOrderRow> {
  const w = isUuid(id) ? await findWorkOrder(m, tenantId, id, { lock: true }) : null;
  if (!w) throw notFound(field, 'No such work order');
  return w;
}

async function audit(m: EntityManager, tenantId: string, actor: string, w: WorkOrderRow, status: WorkOrderStatus, after: Record<string, unknown>) {
  await writeAudit(m, { tenantId, actor, action: `work-order.${status}`, entityType: 'work-order', entityId: w.id, before: { status: w.status }, after: { status, ...after } });
}

/** Creates a work order by hand (requested), and answers on the agreed created event. */
export function createWorkOrder(m: EntityManager, deps: WorkOrderDeps, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createWorkOrder', input, async () => {
    if (!isUuid(input.buildingId)) throw badInput('input.buildingId', 'buildingId is a uuid');
    const building = await buildingFact(m, tenantId, input.buildingId);
    if (!building) throw notFound('input.buildingId', 'No such building');
    if (typeof input.category !== 'string' || !TRADE_PATTERN.test(input.category)) throw badInput('input.category', 'category is a trade: lower-case letters, digits and dashes');
    const budget = input.budget == null ? null : parseMoney('input.budget', input.budget);
    if (budget && budget.currency !== building.currency) throw badInput('input.budget.currency', `the building's currency is ${building.currency}`);
    const w: NewWorkOrder = {
      id: randomUUID(),
      buildingId: building.buildingId,
      requestId: null,
      voteId: null,
      ruleId: null,
      category: input.category,
      title: requiredText('input.title', input.title, 200),
      description: optionalText('input.description', input.description, 2000),
      budgetMinor: budget?.amountMinor ?? null,
      currency: building.currency,
      responseHours: optionalPositiveInt('input.responseHours', input.responseHours, 2160),
      completionDays: optionalPositiveInt('input.completionDays', input.completionDays, 3650),
      createdBy: cmd.actor,
      traceId: currentTraceId(),
      createdAt: new Date(),
    };
    await insertWorkOrder(m, tenantId, w);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'work-order.requested', entityType: 'work-order', entityId: w.id, after: w });
    await publishEvents(m, deps.registry, tenantId, [createdEvent(w)]);
    return w.id;
  });
}

/**
 * The work order voting asked for (commonhold.voting.work-order.requested.v1): one per requestId,
 * however often the command arrives; the answer goes out only with the first.
 */
export async function createRequestedWorkOrder(
  m: EntityManager,
  registry: EventRegistry,
  tenantId: string,
  c: { requestId: string; voteId: string; ruleId: string; buildingId: string; category: string; title: string; description: string | null; budgetMinor: number | null; currency: string; responseHours: number | null; completionDays: number | null },
): Promise<boolean> {
  const w: NewWorkOrder = { id: randomUUID(), ...c, createdBy: `voting:${c.voteId}`, traceId: currentTraceId(), createdAt: new Date() };
  if (!(await insertWorkOrder(m, tenantId, w))) return false;
  await writeAudit(m, { tenantId, actor: w.createdBy, action: 'work-order.requested', entityType: 'work-order', entityId: w.id, after: w });
  await publishEvents(m, registry, tenantId, [createdEvent(w)]);
  return true;
}

/**
 * Offers the work order to a vendor: the vendor must be eligible for the trade at the building;
 * the SLA comes from the work order, else the vendor's terms (completion days: the awarded offer's
 * duration when there is one). Opens the vendor's KPI fact.
 */
export async function offerTo(
  m: EntityManager,
  tenantId: string,
  actor: string,
  w: WorkOrderRow,
  vendor: VendorRow,
  o: { field: string; agreedMinor: number | null; durationDays: number | null; tenderId: string | null; now: Date },
): Promise<void> {
  transition('input.id', w.status, 'offered');
  const e = eligibility(await vendorFacts(m, tenantId, vendor), w.category, w.building_id, today(o.now));
  if (!e.eligible) throw notEligible(o.field, vendor.id, e.reasons);
  const responseHours = w.response_hours ?? vendor.response_hours;
  const completionDays = o.durationDays ?? w.completion_days ?? vendor.completion_days;
  const due = responseDueAt(o.now, responseHours);
  await updateWorkOrder(m, tenantId, w.id, {
    status: 'offered', vendor_id: vendor.id, tender_id: o.tenderId ?? w.tender_id, agreed_minor: o.agreedMinor, offered_at: o.now, response_due_at: due,
    response_hours: responseHours, completion_days: completionDays, accepted_at: null, declined_at: null, decline_reason: null,
  });
  await openKpiFact(m, tenantId, { workOrderId: w.id, vendorId: vendor.id, buildingId: w.building_id, offeredAt: o.now, responseDueAt: due, awardedMinor: o.agreedMinor });
  await audit(m, tenantId, actor, w, 'offered', { vendorId: vendor.id, agreedMinor: o.agreedMinor, tenderId: o.tenderId, responseDueAt: due });
}

/** Offers a requested or declined work order directly (without a tender) to an eligible vendor. */
export function offerWorkOrder(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'offerWorkOrder', input, async () => {
    const w = await load(m, tenantId, input.id);
    const vendor = isUuid(input.vendorId) ? await findVendor(m, tenantId, input.vendorId) : null;
    if (!vendor) throw notFound('input.vendorId', 'No such vendor');
    const price = input.price == null ? null : parseMoney('input.price', input.price);
    if (price && price.currency !== w.currency) throw badInput('input.price.currency', `the work order's currency is ${w.currency}`);
    await offerTo(m, tenantId, cmd.actor, w, vendor, { field: 'input.vendorId', agreedMinor: price?.amountMinor ?? null, durationDays: null, tenderId: null, now: new Date() });
    return w.id;
  });
}

/** Vendor portal: accepts (SLA response checked; completion due from now) or declines (a reason) an offer. */
export function respondToWorkOrder(m: EntityManager, deps: WorkOrderDeps, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'respondToWorkOrder', input, async () => {
    if (typeof input.accept !== 'boolean') throw badInput('input.accept', 'accept must be true or false');
    const w = await load(m, tenantId, input.id);
    const now = new Date();
    if (input.accept) {
      transition('input.id', w.status, 'accepted');
      const due = completionDueAt(now, w.completion_days ?? 1);
      await updateWorkOrder(m, tenantId, w.id, { status: 'accepted', accepted_at: now, completion_due_at: due });
      await updateKpiFact(m, tenantId, w.id, w.vendor_id!, { accepted_at: now, completion_due_at: due });
      await audit(m, tenantId, cmd.actor, w, 'accepted', { vendorId: w.vendor_id, completionDueAt: due });
      const breach = slaBreach('response', w.response_due_at, now);
      if (breach) deps.afterCommit.push(() => deps.onBreach(breach));
    } else {
      transition('input.id', w.status, 'declined');
      const reason = requiredText('input.reason', input.reason, 1000);
      await updateWorkOrder(m, tenantId, w.id, { status: 'declined', declined_at: now, decline_reason: reason });
      await updateKpiFact(m, tenantId, w.id, w.vendor_id!, { declined_at: now });
      await audit(m, tenantId, cmd.actor, w, 'declined', { vendorId: w.vendor_id, reason });
    }
    return w.id;
  });
}

/** Vendor portal: accepted → in progress. */
export function startWorkOrder(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'startWorkOrder', input, async () => {
    const w = await load(m, tenantId, input.id);
    transition('input.id', w.status, 'in_progress');
    await updateWorkOrder(m, tenantId, w.id, { status: 'in_progress', started_at: new Date() });
    await audit(m, tenantId, cmd.actor, w, 'in_progress', {});
    return w.id;
  });
}

/**
 * Vendor portal: in progress → completed with proof: notes and at least one COMPLETION document of
 * this work order; the invoice (in the work order's currency) feeds the cost-overrun KPI.
 */
export function completeWorkOrder(m: EntityManager, deps: WorkOrderDeps, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'completeWorkOrder', input, async () => {
    const w = await load(m, tenantId, input.id);
    transition('input.id', w.status, 'completed');
    const notes = requiredText('input.notes', input.notes, 5000);
    if (!Array.isArray(input.documentIds) || !input.documentIds.length || input.documentIds.length > 50) throw badInput('input.documentIds', 'name 1 to 50 completion documents as proof');
    const docs: { id: string; kind: string; work_order_id: string }[] = await m.query(`SELECT id, kind, work_order_id FROM work_order_documents WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
      tenantId,
      input.documentIds.filter(isUuid),
    ]);
    input.documentIds.forEach((id: unknown, i: number) => {
      const d = docs.find((x) => x.id === id);
      if (!d || d.work_order_id !== w.id) throw notFound(`input.documentIds.${i}`, 'No such document on this work order');
    });
    if (!docs.some((d) => d.kind === 'completion')) throw badInput('input.documentIds', 'proof needs at least one COMPLETION document');
    const invoice = input.invoice == null ? null : parseMoney('input.invoice', input.invoice);
    if (invoice && invoice.currency !== w.currency) throw badInput('input.invoice.currency', `the work order's currency is ${w.currency}`);
    const now = new Date();
    await updateWorkOrder(m, tenantId, w.id, { status: 'completed', completed_at: now, completion_notes: notes, invoice_minor: invoice?.amountMinor ?? null });
    await updateKpiFact(m, tenantId, w.id, w.vendor_id!, { completed_at: now, invoice_minor: invoice?.amountMinor ?? null });
    await audit(m, tenantId, cmd.actor, w, 'completed', { documentIds: input.documentIds, invoiceMinor: invoice?.amountMinor ?? null, currency: w.currency });
    const breach = slaBreach('completion', w.completion_due_at, now);
    if (breach) deps.afterCommit.push(() => deps.onBreach(breach));
    return w.id;
  });
}

/** The manager checks the proof and rates the work (1–5): completed → verified. */
export function verifyWorkOrder(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'verifyWorkOrder', input, async () => {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw badInput('input.rating', 'rating must be a whole number from 1 to 5');
    const notes = optionalText('input.notes', input.notes, 5000);
    const w = await load(m, tenantId, input.id);
    transition('input.id', w.status, 'verified');
    const now = new Date();
    await updateWorkOrder(m, tenantId, w.id, { status: 'verified', verified_at: now, rating: input.rating, verification_notes: notes });
    await updateKpiFact(m, tenantId, w.id, w.vendor_id!, { verified_at: now, rating: input.rating });
    await audit(m, tenantId, cmd.actor, w, 'verified', { rating: input.rating });
    return w.id;
  });
}

/** verified → closed. */
export function closeWorkOrder(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'closeWorkOrder', input, async () => {
    const w = await load(m, tenantId, input.id);
    transition('input.id', w.status, 'closed');
    await updateWorkOrder(m, tenantId, w.id, { status: 'closed', closed_at: new Date() });
    await audit(m, tenantId, cmd.actor, w, 'closed', {});
    return w.id;
  });
}

/** Cancels work not yet completed, with a reason. */
export function cancelWorkOrder(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'cancelWorkOrder', input, async () => {
    const reason = requiredText('input.reason', input.reason, 1000);
    const w = await load(m, tenantId, input.id);
    transition('input.id', w.status, 'cancelled');
    await updateWorkOrder(m, tenantId, w.id, { status: 'cancelled', cancelled_at: new Date(), cancel_reason: reason });
    await audit(m, tenantId, cmd.actor, w, 'cancelled', { reason });
    return w.id;
  });
}
