import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, newEvent, notFound, oneOf, parseMoney, publishEvents, writeAudit, type EventRegistry, type Money } from '@commonhold/kit';
import { GIFT_KINDS, GIFT_SOURCES, PAYMENT_METHODS, SOFT_CREDIT_ROLES, type GiftKind } from './gift';

export interface RecordGiftInput {
  contactId: string;
  amount: unknown;
  receivedAt: Date;
  kind?: GiftKind | null;
  paymentMethod?: string | null;
  campaignId?: string | null;
  appealId?: string | null;
  opportunityId?: string | null;
  pledgeId?: string | null;
  recurringAgreementId?: string | null;
  allocations?: { fundId: string; amountMinor: number }[] | null;
  softCredits?: { contactId: string; role: string; amountMinor?: number | null }[] | null;
  benefitMinor?: number | null;
  /** Where the gift came from; provider intake and import set it with the provider's payment id. */
  source?: string | null;
  externalRef?: string | null;
  idempotencyKey: string;
}

export interface RecordGiftCommand {
  tenantId: string;
  actor: string;
  input: RecordGiftInput;
  now?: Date;
}

async function mustExist(m: EntityManager, table: string, field: string, id: unknown, what: string): Promise<Record<string, unknown>> {
  if (!isUuid(id)) throw notFound(field, `No ${what} ${String(id)}`);
  // RLS makes another tenant's row indistinguishable from a missing one.
  const [row] = await m.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);
  if (!row) throw notFound(field, `No ${what} ${id}`);
  return row;
}

/**
 * THE intake path for every gift (manual entry, provider webhooks, import): validates the whole
 * input before writing anything, then writes the gift, its fund allocations and soft credits,
 * `gift.recorded.v1` and an audit row, once per idempotency key. A provider payment already
 * recorded (same source + externalRef) returns the existing gift instead of a second one.
 */
export async function recordGift(m: EntityManager, registry: EventRegistry, cmd: RecordGiftCommand): Promise<{ giftId: string; duplicate?: boolean }> {
  const { input } = cmd;
  return idempotent(m, cmd.tenantId, 'recordGift', input as unknown as Record<string, unknown>, async () => {
    const amount = parseMoney('input.amount', input.amount);
    const now = cmd.now ?? new Date();
    const kind = oneOf('input.kind', GIFT_KINDS, input.kind, 'ONE_OFF');
    const paymentMethod = oneOf('input.paymentMethod', PAYMENT_METHODS, input.paymentMethod, 'OTHER');
    const source = oneOf('input.source', GIFT_SOURCES, input.source, 'MANUAL');
    const receivedAt = input.receivedAt;
    if (!(receivedAt instanceof Date) || Number.isNaN(receivedAt.getTime())) throw badInput('input.receivedAt', 'receivedAt is required');
    // A pledge is a promise and may be dated ahead; money already received may not.
    if (kind !== 'PLEDGE' && receivedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('input.receivedAt', 'receivedAt must not be in the future');
    let externalRef: string | null = null;
    if (input.externalRef != null) {
      if (typeof input.externalRef !== 'string' || !input.externalRef.trim() || input.externalRef.length > 200) {
        throw badInput('input.externalRef', 'externalRef must be 1 to 200 characters');
      }
      externalRef = input.externalRef.trim();
      if (source === 'MANUAL') throw badInput('input.source', 'externalRef needs the source it refers to (e.g. STRIPE)');
      const [existing] = await m.query(`SELECT id FROM gifts WHERE source = $1 AND external_ref = $2`, [source, externalRef]);
      if (existing) return { giftId: existing.id as string, duplicate: true };
    }
    const benefitMinor = input.benefitMinor ?? 0;
    if (!Number.isSafeInteger(benefitMinor) || benefitMinor < 0 || benefitMinor > amount.amountMinor) {
      throw badInput('input.benefitMinor', 'benefitMinor must be a whole number of minor units from 0 to the gift amount');
    }

    const contact = await mustExist(m, 'contacts', 'input.contactId', input.contactId, 'contact');
    if (contact.erased_at) throw new AppError('CONFLICT', 'This contact was erased; gifts cannot be recorded against it', { field: 'input.contactId' });
    if (contact.merged_into_id) throw new AppError('CONFLICT', `This contact was merged into ${contact.merged_into_id}; record the gift there`, { field: 'input.contactId' });
    if (input.campaignId != null) await mustExist(m, 'campaigns', 'input.campaignId', input.campaignId, 'campaign');
    if (input.appealId != null) await mustExist(m, 'appeals', 'input.appealId', input.appealId, 'appeal');
    if (input.opportunityId != null) {
      const opp = await mustExist(m, 'opportunities', 'input.opportunityId', input.opportunityId, 'opportunity');
      if (opp.currency !== amount.currency) throw badInput('input.amount.currency', `The opportunity is in ${opp.currency}`);
    }

    if (kind === 'PLEDGE_PAYMENT') {
      if (input.pledgeId == null) throw badInput('input.pledgeId', 'A PLEDGE_PAYMENT needs the pledgeId it pays');
      const pledge = await mustExist(m, 'gifts', 'input.pledgeId', input.pledgeId, 'pledge');
      if (pledge.kind !== 'PLEDGE') throw badInput('input.pledgeId', 'pledgeId must refer to a gift of kind PLEDGE');
      if (pledge.currency !== amount.currency) throw badInput('input.amount.currency', `The pledge is in ${pledge.currency}`);
      // Lock the pledge so two concurrent payments cannot both fit the same outstanding amount.
      await m.query(`SELECT 1 FROM gifts WHERE id = $1 FOR UPDATE`, [pledge.id]);
      const [{ paid }] = await m.query(`SELECT coalesce(sum(amount_minor - refunded_minor), 0)::bigint AS paid FROM gifts WHERE pledge_id = $1`, [pledge.id]);
      const outstanding = Number(pledge.amount_minor) - Number(paid);
      if (amount.amountMinor > outstanding) throw badInput('input.amount.amountMinor', `The pledge has ${outstanding} minor units outstanding`);
    } else if (input.pledgeId != null) {
      throw badInput('input.pledgeId', 'pledgeId is only for gifts of kind PLEDGE_PAYMENT');
    }
    if (kind === 'RECURRING_INSTALMENT') {
      if (input.recurringAgreementId == null) throw badInput('input.recurringAgreementId', 'A RECURRING_INSTALMENT needs its recurringAgreementId');
      const [{ exists }] = await m.query(`SELECT to_regclass('recurring_agreements') IS NOT NULL AS exists`);
      if (exists) await mustExist(m, 'recurring_agreements', 'input.recurringAgreementId', input.recurringAgreementId, 'recurring agreement');
    } else if (input.recurringAgreementId != null) {
      throw badInput('input.recurringAgreementId', 'recurringAgreementId is only for gifts of kind RECURRING_INSTALMENT');
    }

    const allocations = input.allocations ?? [];
    if (allocations.length) {
      const seen = new Set<string>();
      let sum = 0;
      for (const [i, a] of allocations.entries()) {
        const f = `input.allocations.${i}`;
        if (!Number.isSafeInteger(a.amountMinor) || a.amountMinor <= 0) throw badInput(`${f}.amountMinor`, 'amountMinor must be a positive whole number');
        if (seen.has(a.fundId)) throw badInput(`${f}.fundId`, 'Each fund may appear once');
        seen.add(a.fundId);
        await mustExist(m, 'funds', `${f}.fundId`, a.fundId, 'fund');
        sum += a.amountMinor;
      }
      if (sum !== amount.amountMinor) throw badInput('input.allocations', `Fund allocations must sum to the gift amount (${amount.amountMinor}), got ${sum}`);
    }
    const softCredits = (input.softCredits ?? []).map((s, i) => {
      const f = `input.softCredits.${i}`;
      const role = oneOf(`${f}.role`, SOFT_CREDIT_ROLES, s.role, 'SOFT_CREDIT');
      const amountMinor = s.amountMinor ?? amount.amountMinor;
      if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > amount.amountMinor) {
        throw badInput(`${f}.amountMinor`, 'A soft credit is a positive amount no larger than the gift');
      }
      return { contactId: s.contactId, role, amountMinor, field: f };
    });
    const softKeys = new Set<string>();
    for (const s of softCredits) {
      if (s.contactId === input.contactId) throw badInput(`${s.field}.contactId`, 'The donor gets the hard credit; soft-credit someone else');
      if (softKeys.has(`${s.contactId}/${s.role}`)) throw badInput(`${s.field}.contactId`, 'Each contact may be soft-credited once per role');
      softKeys.add(`${s.contactId}/${s.role}`);
      await mustExist(m, 'contacts', `${s.field}.contactId`, s.contactId, 'contact');
    }

    const id = randomUUID();
    await m.query(
      `INSERT INTO gifts (id, tenant_id, contact_id, amount_minor, currency, received_at, created_at, kind, payment_method, campaign_id, appeal_id,
                          opportunity_id, pledge_id, recurring_agreement_id, benefit_minor, source, external_ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        id,
        cmd.tenantId,
        contact.id,
        amount.amountMinor,
        amount.currency,
        receivedAt,
        now,
        kind,
        paymentMethod,
        input.campaignId ?? null,
        input.appealId ?? null,
        input.opportunityId ?? null,
        input.pledgeId ?? null,
        input.recurringAgreementId ?? null,
        benefitMinor,
        source,
        externalRef,
      ],
    );
    // All of a gift's allocations in ONE statement: the dashboard aggregates' trigger relies on it.
    if (allocations.length) {
      await m.query(
        `INSERT INTO gift_allocations (tenant_id, gift_id, fund_id, amount_minor) SELECT $1, $2, a.fund_id, a.amount_minor FROM unnest($3::uuid[], $4::bigint[]) AS a (fund_id, amount_minor)`,
        [cmd.tenantId, id, allocations.map((a) => a.fundId), allocations.map((a) => a.amountMinor)],
      );
    }
    for (const s of softCredits) {
      await m.query(`INSERT INTO soft_credits (tenant_id, gift_id, contact_id, role, amount_minor) VALUES ($1, $2, $3, $4, $5)`, [cmd.tenantId, id, s.contactId, s.role, s.amountMinor]);
    }
    await publishEvents(m, registry, cmd.tenantId, [
      newEvent('commonhold.fundraising.gift.recorded.v1', id, { giftId: id, contactId: contact.id as string, amount, receivedAt: receivedAt.toISOString() }, contact.id as string),
    ]);
    await writeAudit(m, {
      tenantId: cmd.tenantId,
      actor: cmd.actor,
      action: 'gift.recorded',
      entityType: 'Gift',
      entityId: id,
      after: { contactId: contact.id, amount, receivedAt: receivedAt.toISOString(), kind, paymentMethod, source, externalRef, allocations, softCredits: softCredits.map(({ field: _f, ...s }) => s) },
    });
    return { giftId: id };
  });
}

export interface RefundGiftCommand {
  tenantId: string;
  actor: string;
  input: { giftId: string; amount?: unknown; reason?: string | null; refundedAt?: Date | null; idempotencyKey: string };
  now?: Date;
}

/**
 * Refunds all (no amount) or part of a gift. Rollups and Gift Aid follow from the gift's net
 * amount; `gift.refunded.v1` tells the rollup consumer. A refund never exceeds what is left.
 */
export async function refundGift(m: EntityManager, registry: EventRegistry, cmd: RefundGiftCommand): Promise<{ giftId: string; refundId: string }> {
  const { input } = cmd;
  return idempotent(m, cmd.tenantId, 'refundGift', input as unknown as Record<string, unknown>, async () => {
    const now = cmd.now ?? new Date();
    if (!isUuid(input.giftId)) throw notFound('input.giftId', `No gift ${input.giftId}`);
    const [gift] = await m.query(`SELECT * FROM gifts WHERE id = $1 FOR UPDATE`, [input.giftId]);
    if (!gift) throw notFound('input.giftId', `No gift ${input.giftId}`);
    if (gift.kind === 'PLEDGE') throw badInput('input.giftId', 'A pledge is a promise, not money received: refund its payments instead');
    const remaining = Number(gift.amount_minor) - Number(gift.refunded_minor);
    if (remaining <= 0) throw new AppError('CONFLICT', 'This gift is already fully refunded', { field: 'input.giftId' });
    let amount: Money = { amountMinor: remaining, currency: gift.currency };
    if (input.amount != null) {
      amount = parseMoney('input.amount', input.amount);
      if (amount.currency !== gift.currency) throw badInput('input.amount.currency', `The gift is in ${gift.currency}`);
      if (amount.amountMinor > remaining) throw badInput('input.amount.amountMinor', `At most ${remaining} minor units are left to refund`);
    }
    const refundedAt = input.refundedAt ?? now;
    if (refundedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('input.refundedAt', 'refundedAt must not be in the future');
    if (refundedAt.getTime() < new Date(gift.received_at).getTime()) throw badInput('input.refundedAt', 'refundedAt must not be before the gift was received');
    const reason = input.reason == null ? null : String(input.reason).trim().slice(0, 500) || null;
    const refundId = randomUUID();
    await m.query(`INSERT INTO gift_refunds (id, tenant_id, gift_id, amount_minor, reason, refunded_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      refundId,
      cmd.tenantId,
      gift.id,
      amount.amountMinor,
      reason,
      refundedAt,
    ]);
    await m.query(`UPDATE gifts SET refunded_minor = refunded_minor + $2 WHERE id = $1`, [gift.id, amount.amountMinor]);
    const fully = amount.amountMinor === remaining;
    await publishEvents(m, registry, cmd.tenantId, [
      newEvent(
        'commonhold.fundraising.gift.refunded.v1',
        gift.id,
        { giftId: gift.id, refundId, contactId: gift.contact_id, amount, refundedAt: refundedAt.toISOString(), fullyRefunded: fully },
        gift.contact_id,
      ),
    ]);
    await writeAudit(m, {
      tenantId: cmd.tenantId,
      actor: cmd.actor,
      action: 'gift.refunded',
      entityType: 'Gift',
      entityId: gift.id,
      before: { refundedMinor: Number(gift.refunded_minor) },
      after: { refundedMinor: Number(gift.refunded_minor) + amount.amountMinor, refundId, amount, reason, refundedAt: refundedAt.toISOString() },
    });
    return { giftId: gift.id as string, refundId };
  });
}
