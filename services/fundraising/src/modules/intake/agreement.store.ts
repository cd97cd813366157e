import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, isUuid, notFound, publishEvents, requestScope, writeAudit, type EventRegistry } from '@commonhold/kit';
import { changedEvent, changeOf, initialNextExpected, scheduleOf, snapshot, stateOf, type AgreementRow, type NewAgreement } from './agreement';
import { updateReturning } from './inbox.store';
import { applyPayment, applyResume, evaluate, GRACE_DAYS, transition, type Schedule } from './schedule';

export async function loadAgreement(m: EntityManager, id: string, lock = false): Promise<AgreementRow | null> {
  const [row] = await m.query(`SELECT * FROM recurring_agreements WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return row ?? null;
}

export async function findByProviderRef(m: EntityManager, provider: string, ref: string): Promise<AgreementRow | null> {
  const [row] = await m.query(`SELECT * FROM recurring_agreements WHERE provider = $1 AND provider_ref = $2 FOR UPDATE`, [provider, ref]);
  return row ?? null;
}

export async function insertAgreement(m: EntityManager, registry: EventRegistry, tenantId: string, actor: string, a: NewAgreement, today: string): Promise<AgreementRow> {
  const id = randomUUID();
  const schedule: Schedule = { period: a.period, dayOfMonth: a.dayOfMonth, startDate: a.startDate };
  const [row] = await m.query(
    `INSERT INTO recurring_agreements (id, tenant_id, contact_id, provider, provider_ref, provider_mandate_ref, payment_method, type, instalments_total,
       amount_minor, currency, period, day_of_month, status, start_date, next_expected_date, closed_at, provider_event_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, CASE WHEN $14 = 'CLOSED' THEN now() END, $17)
     RETURNING *`,
    [
      id,
      tenantId,
      a.contactId,
      a.provider,
      a.providerRef,
      a.mandateRef,
      a.paymentMethod,
      a.type,
      a.instalmentsTotal,
      a.amountMinor,
      a.currency,
      a.period,
      a.dayOfMonth,
      a.status,
      a.startDate,
      initialNextExpected(schedule, a.status, today),
      a.providerEventAt,
    ],
  );
  await publishEvents(m, registry, tenantId, [changedEvent(row, 'CREATED')]);
  await writeAudit(m, { tenantId, actor, action: 'recurring-agreement.created', entityType: 'RecurringAgreement', entityId: id, after: snapshot(row) });
  return row;
}

export type AgreementPatch = Partial<
  Pick<AgreementRow, 'amount_minor' | 'currency' | 'period' | 'day_of_month' | 'status' | 'next_expected_date' | 'missed_count' | 'paid_count' | 'provider_mandate_ref' | 'provider_event_at' | 'last_paid_at'>
>;

/** Which change an update is, for the event: the status move wins over a plain update. */

/** Writes a patch, announces the change and audits it; no-op (returns the row) when nothing changed. */
export async function updateAgreement(m: EntityManager, registry: EventRegistry, actor: string, before: AgreementRow, patch: AgreementPatch): Promise<AgreementRow> {
  const cols: [string, unknown][] = Object.entries(patch).filter(([k, v]) => v !== undefined && String((before as unknown as Record<string, unknown>)[k]) !== String(v));
  const bookkeeping = new Set(['provider_event_at', 'last_paid_at']);
  if (!cols.some(([k]) => !bookkeeping.has(k))) {
    if (cols.length) await m.query(`UPDATE recurring_agreements SET ${cols.map(([k], i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [before.id, ...cols.map(([, v]) => v)]);
    return before;
  }
  if (patch.status === 'CLOSED' && before.status !== 'CLOSED') cols.push(['closed_at', new Date()]);
  const [out] = (await updateReturning<AgreementRow>(
    m,
    `UPDATE recurring_agreements SET ${cols.map(([k], i) => `${k} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`,
    [before.id, ...cols.map(([, v]) => v)],
  )) as [AgreementRow];
  const change = changeOf(before.status, out.status);
  await publishEvents(m, registry, out.tenant_id, [changedEvent(out, change)]);
  await writeAudit(m, {
    tenantId: out.tenant_id,
    actor,
    action: `recurring-agreement.${change.toLowerCase()}`,
    entityType: 'RecurringAgreement',
    entityId: out.id,
    before: snapshot(before),
    after: snapshot(out),
  });
  return out;
}

/** Folds one instalment gift into its agreement (once per gift) and returns the agreement after. */
export async function applyInstalment(
  m: EntityManager,
  registry: EventRegistry,
  actor: string,
  agreement: AgreementRow,
  gift: { id: string; receivedAt: Date },
): Promise<AgreementRow> {
  const inserted = await m.query(
    `INSERT INTO recurring_agreement_instalments (tenant_id, gift_id, agreement_id) VALUES ($1, $2, $3) ON CONFLICT (gift_id) DO NOTHING RETURNING gift_id`,
    [agreement.tenant_id, gift.id, agreement.id],
  );
  if (!inserted.length) return agreement;
  const next = applyPayment(scheduleOf(agreement), stateOf(agreement), gift.receivedAt.toISOString().slice(0, 10));
  return updateAgreement(m, registry, actor, agreement, {
    status: next.status,
    next_expected_date: next.nextExpectedDate,
    missed_count: next.missedCount,
    paid_count: next.paidCount,
    last_paid_at: gift.receivedAt,
  });
}

/** Applies a status action (pause, resume, close) to an agreement. */
export async function setStatus(m: EntityManager, registry: EventRegistry, actor: string, a: AgreementRow, action: 'PAUSE' | 'RESUME' | 'CLOSE', today: string): Promise<AgreementRow> {
  if (action === 'RESUME') {
    if (a.status === 'ACTIVE') return a;
    const s = applyResume(scheduleOf(a), stateOf(a), today);
    return updateAgreement(m, registry, actor, a, { status: s.status, missed_count: s.missedCount, next_expected_date: s.nextExpectedDate });
  }
  const status = transition(a.status, action);
  return updateAgreement(m, registry, actor, a, { status, next_expected_date: status === 'CLOSED' ? null : a.next_expected_date });
}

export interface EvaluationResult {
  evaluated: number;
  instalmentsApplied: number;
  lapsed: number;
  updated: number;
}

const BATCH = 500;

/**
 * The scheduled evaluation, for the caller's tenant, as of `asOf`:
 *  1. folds in instalment gifts recorded by hand (kind RECURRING_INSTALMENT) not yet applied;
 *  2. recounts missed instalments of ACTIVE and LAPSED agreements whose expected date plus grace
 *     has passed, and lapses ACTIVE ones at the tenant's `lapseAfterMissedInstalments`.
 * Candidates are selected in SQL, batch by batch; each batch is written with ONE UPDATE (unnest),
 * one outbox insert and one audit insert — never a save per row.
 */
export async function evaluateAgreements(m: EntityManager, registry: EventRegistry, tenantId: string, actor: string, asOf: string, lapseAfter: number): Promise<EvaluationResult> {
  const result: EvaluationResult = { evaluated: 0, instalmentsApplied: 0, lapsed: 0, updated: 0 };

  // 1. Manual instalments (few: intake folds provider instalments as they arrive).
  const pending: { id: string; received_at: Date; recurring_agreement_id: string }[] = await m.query(
    `SELECT g.id, g.received_at, g.recurring_agreement_id FROM gifts g
     JOIN recurring_agreements a ON a.id = g.recurring_agreement_id
     WHERE g.kind = 'RECURRING_INSTALMENT' AND g.received_at < ($1::date + 1)
       AND NOT EXISTS (SELECT 1 FROM recurring_agreement_instalments i WHERE i.gift_id = g.id)
     ORDER BY g.received_at, g.id`,
    [asOf],
  );
  for (const g of pending) {
    const a = await loadAgreement(m, g.recurring_agreement_id, true);
    if (!a) continue;
    await applyInstalment(m, registry, actor, a, { id: g.id, receivedAt: new Date(g.received_at) });
    result.instalmentsApplied += 1;
  }

  // 2. Missed instalments, set-based per batch.
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: AgreementRow[] = await m.query(
      `SELECT * FROM recurring_agreements
       WHERE status IN ('ACTIVE', 'LAPSED') AND next_expected_date IS NOT NULL AND next_expected_date + $1::int < $2::date AND id > $3
       ORDER BY id LIMIT $4 FOR UPDATE`,
      [GRACE_DAYS, asOf, after, BATCH],
    );
    if (!rows.length) break;
    after = rows[rows.length - 1]!.id;
    result.evaluated += rows.length;
    const changed = rows
      .map((a) => ({ before: a, next: evaluate(scheduleOf(a), stateOf(a), asOf, lapseAfter) }))
      .filter(({ before, next }) => next.status !== before.status || next.missedCount !== before.missed_count);
    if (!changed.length) continue;
    const updated = await updateReturning<AgreementRow>(
      m,
      `UPDATE recurring_agreements a SET missed_count = u.missed, status = u.status,
         updated_at = CASE WHEN a.status <> u.status THEN now() ELSE a.updated_at END
       FROM unnest($1::uuid[], $2::int[], $3::text[]) AS u(id, missed, status)
       WHERE a.id = u.id RETURNING a.*`,
      [changed.map((c) => c.before.id), changed.map((c) => c.next.missedCount), changed.map((c) => c.next.status)],
    );
    result.updated += updated.length;
    const byId = new Map(changed.map((c) => [c.before.id, c.before]));
    const lapsed = updated.filter((a) => a.status === 'LAPSED' && byId.get(a.id)!.status !== 'LAPSED');
    result.lapsed += lapsed.length;
    if (!lapsed.length) continue;
    await publishEvents(m, registry, tenantId, lapsed.map((a) => changedEvent(a, 'LAPSED')));
    const scope = requestScope.getStore();
    await m.query(
      `INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, before, after, trace_id, request_id)
       SELECT $1, $2, 'recurring-agreement.lapsed', 'RecurringAgreement', u.id, u.before::jsonb, u.after::jsonb, $5, $6
       FROM unnest($3::text[], $4::text[], $7::text[]) AS u(id, after, before)`,
      [
        tenantId,
        actor,
        lapsed.map((a) => a.id),
        lapsed.map((a) => JSON.stringify(snapshot(a))),
        scope?.traceId ?? null,
        scope?.requestId ?? null,
        lapsed.map((a) => JSON.stringify(snapshot(byId.get(a.id)!))),
      ],
    );
  }
  return result;
}

/** The id of a contact that may take a new agreement (not erased or merged). */
export async function requireLiveContact(m: EntityManager, field: string, id: unknown) {
  if (!isUuid(id)) throw notFound(field, `No contact ${String(id)}`);
  const [c] = await m.query(`SELECT id, merged_into_id, erased_at FROM contacts WHERE id = $1`, [id]);
  if (!c) throw notFound(field, `No contact ${id}`);
  if (c.erased_at) throw new AppError('CONFLICT', 'This contact was erased', { field });
  if (c.merged_into_id) throw new AppError('CONFLICT', `This contact was merged into ${c.merged_into_id}`, { field });
  return c.id as string;
}
