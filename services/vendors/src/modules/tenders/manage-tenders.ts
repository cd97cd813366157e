import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, forbidden, idempotent, isUuid, notFound, oneOf, parseMoney, requiredText, scopeAllows, writeAudit } from '@commonhold/kit';
import { eligibility, findVendor, notEligible, vendorFacts, type Command } from '../vendors';
import { findWorkOrder, offerTo, transition } from '../work-orders';
import { tenderTransition, type TenderStatus } from './tender';
import { findOffer, findTender, insertOffer, insertTender, invite, invitedVendorIds, openTenderOf, setTenderStatus, settleOffers, type TenderRow } from './tender.store';

const today = () => new Date().toISOString().slice(0, 10);

async function load(m: EntityManager, tenantId: string, id: unknown, field: string): Promise<TenderRow> {
  const t = isUuid(id) ? await findTender(m, tenantId, id, { lock: true }) : null;
  if (!t) throw notFound(field, 'No such tender');
  return t;
}

/** A tender for a requested (or declined) work order: the trade, building and currency come from it. */
export function createTender(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createTender', input, async () => {
    const w = isUuid(input.workOrderId) ? await findWorkOrder(m, tenantId, input.workOrderId, { lock: true }) : null;
    if (!w) throw notFound('input.workOrderId', 'No such work order');
    transition('input.workOrderId', w.status, 'offered'); // only work still to be offered is tendered
    if (await openTenderOf(m, tenantId, w.id)) throw new AppError('CONFLICT', 'The work order has an open tender already', { field: 'input.workOrderId', details: { reason: 'TENDER_OPEN' } });
    const title = input.title == null ? w.title : requiredText('input.title', input.title, 200);
    const id = randomUUID();
    await insertTender(m, tenantId, { id, workOrderId: w.id, buildingId: w.building_id, category: w.category, title, currency: w.currency, createdBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'tender.planned', entityType: 'tender', entityId: id, after: { workOrderId: w.id, title } });
    return id;
  });
}

/** Invites vendors; each must exist and be eligible for the trade at the building (all or nothing). */
export function inviteTenderVendors(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'inviteTenderVendors', input, async () => {
    if (!Array.isArray(input.vendorIds) || !input.vendorIds.length || input.vendorIds.length > 50) throw badInput('input.vendorIds', 'invite 1 to 50 vendors');
    const t = await load(m, tenantId, input.tenderId, 'input.tenderId');
    if (t.status !== 'planned' && t.status !== 'active') throw new AppError('CONFLICT', `A ${t.status} tender takes no invitations`, { field: 'input.tenderId', details: { reason: 'TENDER_CLOSED', status: t.status } });
    const ids: string[] = [];
    for (const [i, id] of (input.vendorIds as unknown[]).entries()) {
      const v = isUuid(id) ? await findVendor(m, tenantId, id) : null;
      if (!v) throw notFound(`input.vendorIds.${i}`, 'No such vendor');
      const e = eligibility(await vendorFacts(m, tenantId, v), t.category, t.building_id, today());
      if (!e.eligible) throw notEligible(`input.vendorIds.${i}`, v.id, e.reasons);
      ids.push(v.id);
    }
    await invite(m, tenantId, t, ids);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'tender.invited', entityType: 'tender', entityId: t.id, after: { vendorIds: ids } });
    return t.id;
  });
}

/** planned → active: the invited vendors may offer. */
export function publishTender(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'publishTender', input, async () => {
    const t = await load(m, tenantId, input.id, 'input.id');
    tenderTransition('input.id', t.status, 'active');
    if (!(await invitedVendorIds(m, tenantId, t.id)).length) throw new AppError('CONFLICT', 'Invite at least one vendor first', { field: 'input.id', details: { reason: 'NO_INVITATIONS' } });
    await setTenderStatus(m, tenantId, t.id, 'active');
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'tender.active', entityType: 'tender', entityId: t.id, before: { status: t.status }, after: { status: 'active' } });
    return t.id;
  });
}

/** Vendor portal: an invited vendor's one offer on an active tender (price in the tender's currency). */
export function submitTenderOffer(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'submitTenderOffer', input, async () => {
    if (!isUuid(input.vendorId)) throw badInput('input.vendorId', 'vendorId is a uuid');
    const vendorId = input.vendorId.toLowerCase();
    if (!scopeAllows(cmd.scope, { vendorId }) && !cmd.scope.global) throw forbidden('You may only offer for your own vendor');
    const price = parseMoney('input.price', input.price);
    if (!Number.isInteger(input.durationDays) || input.durationDays < 1 || input.durationDays > 3650) throw badInput('input.durationDays', 'durationDays must be a whole number from 1 to 3650');
    if (typeof input.validUntil !== 'string' || input.validUntil < today()) throw badInput('input.validUntil', 'validUntil must be today or later');
    if (input.notes != null && (typeof input.notes !== 'string' || input.notes.length > 2000)) throw badInput('input.notes', 'notes must be at most 2000 characters');
    const t = await load(m, tenantId, input.tenderId, 'input.tenderId');
    if (t.status !== 'active') throw new AppError('CONFLICT', `A ${t.status} tender takes no offers`, { field: 'input.tenderId', details: { reason: 'TENDER_NOT_ACTIVE', status: t.status } });
    if (price.currency !== t.currency) throw badInput('input.price.currency', `the tender's currency is ${t.currency}`);
    if (!(await invitedVendorIds(m, tenantId, t.id)).includes(vendorId)) throw forbidden('The vendor was not invited to this tender');
    const id = randomUUID();
    const ok = await insertOffer(m, tenantId, { id, tenderId: t.id, vendorId, buildingId: t.building_id, priceMinor: price.amountMinor, currency: price.currency, durationDays: input.durationDays, validUntil: input.validUntil, notes: input.notes ?? null, submittedBy: cmd.actor });
    if (!ok) throw new AppError('CONFLICT', 'The vendor has offered on this tender already', { field: 'input.vendorId', details: { reason: 'OFFER_EXISTS' } });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'tender.offer-submitted', entityType: 'tender', entityId: t.id, after: { offerId: id, vendorId, priceMinor: price.amountMinor, currency: price.currency, durationDays: input.durationDays } });
    return id;
  });
}

/** active → complete: the offer's vendor is offered the work order at the offered price and duration. */
export function awardTender(m: EntityManager, cmd: Command<Record<string, any>>): Promise<{ tenderId: string; workOrderId: string }> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'awardTender', input, async () => {
    const t = await load(m, tenantId, input.tenderId, 'input.tenderId');
    tenderTransition('input.tenderId', t.status, 'complete');
    const offer = isUuid(input.offerId) ? await findOffer(m, tenantId, input.offerId) : null;
    if (!offer || offer.tender_id !== t.id) throw notFound('input.offerId', 'No such offer on this tender');
    if (offer.valid_until < today()) throw new AppError('CONFLICT', 'The offer has expired', { field: 'input.offerId', details: { reason: 'OFFER_EXPIRED' } });
    const w = (await findWorkOrder(m, tenantId, t.work_order_id, { lock: true }))!;
    const vendor = (await findVendor(m, tenantId, offer.vendor_id))!;
    await offerTo(m, tenantId, cmd.actor, w, vendor, { field: 'input.offerId', agreedMinor: Number(offer.price_minor), durationDays: offer.duration_days, tenderId: t.id, now: new Date() });
    await settleOffers(m, tenantId, t.id, offer.id);
    await setTenderStatus(m, tenantId, t.id, 'complete', offer.id);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'tender.complete', entityType: 'tender', entityId: t.id, before: { status: t.status }, after: { status: 'complete', offerId: offer.id, vendorId: offer.vendor_id, priceMinor: Number(offer.price_minor), currency: offer.currency } });
    return { tenderId: t.id, workOrderId: w.id };
  });
}

/** Ends a tender without award: cancelled, unsuccessful (no suitable offer) or withdrawn. */
export function endTender(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'endTender', input, async () => {
    const status = oneOf('input.status', ['cancelled', 'unsuccessful', 'withdrawn'] as const, typeof input.status === 'string' ? input.status.toLowerCase() : input.status);
    const t = await load(m, tenantId, input.id, 'input.id');
    tenderTransition('input.id', t.status, status as TenderStatus);
    await setTenderStatus(m, tenantId, t.id, status);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: `tender.${status}`, entityType: 'tender', entityId: t.id, before: { status: t.status }, after: { status } });
    return t.id;
  });
}
