import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, oneOf, requiredText, writeAudit, type EventRegistry } from '@commonhold/kit';
import { loadApartment, loadBuilding, type Command } from '../buildings';
import { optionalText } from '../buildings';
import { parseCamt053 } from './bank-camt';
import { matchLine, parseCsvStatement, referenceCandidates, type StatementLine } from './bank-statement';
import { bankTxSeen, closeLine, findLine, insertLine, insertStatement, linkEntry, setMatchedCount, statementBySha } from './bank.store';
import { post } from './post-entry';

/** Apartments (with their building's currency) whose payment reference is one of `refs`. */
async function apartmentsByReferences(m: EntityManager, tenantId: string, refs: string[]): Promise<{ id: string; buildingId: string; currency: string }[]> {
  if (!refs.length) return [];
  return m.query(
    `SELECT a.id, a.building_id AS "buildingId", b.currency FROM apartments a JOIN buildings b ON b.id = a.building_id
     WHERE a.tenant_id = $1 AND a.payment_reference = ANY($2::text[])`,
    [tenantId, refs],
  );
}

async function postBankPayment(m: EntityManager, registry: EventRegistry, tenantId: string, actor: string, apartment: { id: string; buildingId: string }, line: StatementLine & { id: string }) {
  return post(m, registry, tenantId, actor, apartment, {
    kind: 'payment',
    subtype: 'bank_file',
    amountMinor: -line.amountMinor,
    currency: line.currency,
    bookedOn: line.bookedOn,
    dueOn: null,
    reversesId: null,
    description: line.reference,
    source: 'bank',
    sourceRef: line.id,
  });
}

/**
 * Imports a bank statement (CSV or camt.053, mappings in docs/collections.md) whole or not at all: each credit
 * whose text names exactly one apartment's payment reference becomes a bank-file payment; the rest
 * wait in the office's queue with a reason. The same file twice, or a transaction id already
 * imported, posts nothing again.
 */
export function importBankStatement(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'importBankStatement', input, async () => {
    const format = oneOf('input.format', ['csv', 'camt053'] as const, typeof input.format === 'string' ? input.format.toLowerCase() : input.format, 'csv');
    const content = requiredText('input.content', input.content, 5_000_000);
    const currency = typeof input.currency === 'string' ? input.currency : 'GBP';
    const filename = optionalText('input.filename', input.filename, 200);
    const lines = format === 'csv' ? parseCsvStatement(content, currency) : parseCamt053(content);
    const sha = createHash('sha256').update(content).digest('hex');
    // One import of a given file at a time per tenant; the second finds the first's statement.
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${tenantId}:bank:${sha}`]);
    const prior = await statementBySha(m, tenantId, sha);
    if (prior) return prior.id;
    const statementId = randomUUID();
    await insertStatement(m, tenantId, { id: statementId, format, sha, filename, lineCount: lines.length, createdBy: cmd.actor });
    let matched = 0;
    for (const line of lines) {
      const id = randomUUID();
      if (line.bankTxId && (await bankTxSeen(m, tenantId, line.bankTxId))) {
        await insertLine(m, tenantId, { ...line, id, statementId, status: 'duplicate', reason: `transaction ${line.bankTxId} was imported before`, buildingId: null, apartmentId: null });
        continue;
      }
      const candidates = await apartmentsByReferences(m, tenantId, referenceCandidates(line.reference));
      const outcome = matchLine(line, candidates);
      const apartment = outcome.status === 'matched' ? candidates[0]! : null;
      await insertLine(m, tenantId, {
        ...line,
        id,
        statementId,
        status: outcome.status,
        reason: outcome.status === 'matched' ? null : outcome.reason,
        buildingId: apartment?.buildingId ?? null,
        apartmentId: apartment?.id ?? null,
      });
      if (apartment) {
        const entry = await postBankPayment(m, registry, tenantId, cmd.actor, apartment, { ...line, id });
        await linkEntry(m, tenantId, id, entry.id);
        matched++;
      }
    }
    await setMatchedCount(m, tenantId, statementId, matched);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bank-statement.imported', entityType: 'bank-statement', entityId: statementId, after: { filename, sha256: sha, lines: lines.length, matched } });
    return statementId;
  });
}

/** The office resolves a queued line: assign it to an apartment (posting the payment) or ignore it with a reason. */
export function resolveBankLine(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'resolveBankLine', input, async () => {
    const line = isUuid(input.lineId) ? await findLine(m, tenantId, input.lineId, { lock: true }) : null;
    if (!line) throw notFound('input.lineId', 'No such bank statement line');
    if (line.status !== 'unmatched') throw new AppError('CONFLICT', `The line is ${line.status}, not waiting in the queue`, { field: 'input.lineId' });
    const ignore = input.ignoreReason != null;
    if (ignore === (input.apartmentId != null)) throw new AppError('BAD_USER_INPUT', 'Give either apartmentId or ignoreReason', { field: 'input.apartmentId' });
    if (ignore) {
      const reason = requiredText('input.ignoreReason', input.ignoreReason, 500);
      await closeLine(m, tenantId, line.id, { status: 'ignored', reason, buildingId: null, apartmentId: null, entryId: null, by: cmd.actor });
      await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bank-line.ignored', entityType: 'bank-line', entityId: line.id, after: { reason } });
      return line.id;
    }
    if (line.amountMinor <= 0) throw new AppError('BAD_USER_INPUT', 'Only money received can be assigned to an apartment', { field: 'input.lineId' });
    const apartment = await loadApartment(m, tenantId, input.apartmentId, 'input.apartmentId');
    const building = await loadBuilding(m, tenantId, apartment.buildingId, 'input.apartmentId');
    if (building.currency !== line.currency) throw new AppError('BAD_USER_INPUT', `The building keeps its ledger in ${building.currency}`, { field: 'input.apartmentId' });
    const entry = await postBankPayment(m, registry, tenantId, cmd.actor, apartment, line);
    await closeLine(m, tenantId, line.id, { status: 'resolved', reason: null, buildingId: apartment.buildingId, apartmentId: apartment.id, entryId: entry.id, by: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bank-line.resolved', entityType: 'bank-line', entityId: line.id, after: { apartmentId: apartment.id, entryId: entry.id } });
    return line.id;
  });
}
