import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, writeAudit } from '@commonhold/kit';
import { buildingApartments, findBuilding } from '../directory';
import { voterWeight } from './tally';
import { voteTerms } from './vote';
import { insertVote } from './vote.store';
import { currentTraceId } from './trace-id';
import type { VoteCloser } from './worker';

export interface Command<I> {
  tenantId: string;
  actor: string;
  input: I & { idempotencyKey?: unknown };
}

/**
 * Creates a vote in a building (NC-401 item 1): validate → eligible apartments and their weights from
 * the directory (every apartment needs its ownership share when weighting by share, and the shares
 * must add up to 1000) → the vote, its voters, its audit event and its close job, in one transaction.
 */
export function createVote(m: EntityManager, closer: VoteCloser, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createVote', input, async () => {
    const terms = voteTerms(input, new Date());
    const buildingId = input.buildingId;
    if (!isUuid(buildingId) || !(await findBuilding(m, tenantId, buildingId))) throw notFound('input.buildingId', 'No such building');
    const apartments = await buildingApartments(m, tenantId, buildingId);
    if (!apartments.length) throw new AppError('CONFLICT', 'The building has no apartments, so nobody could vote', { field: 'input.buildingId', details: { reason: 'NO_APARTMENTS' } });
    const eligible = apartments.map((a) => ({ apartmentId: a.apartmentId, unit: a.unit, weight: voterWeight(terms.weighting, a.ownershipShare) }));
    if (terms.weighting === 'ownership_share') {
      const missing = eligible.filter((e) => e.weight == null);
      const sum = eligible.reduce((s, e) => s + (e.weight ?? 0), 0);
      if (missing.length || sum !== 1000) {
        throw new AppError('CONFLICT', `Weighting by ownership share needs every apartment's share, adding up to 1000 (${missing.length} missing, sum ${sum})`, {
          field: 'input.weighting',
          details: { reason: 'SHARES_INCOMPLETE', missing: missing.length, sum },
        });
      }
    }
    const id = randomUUID();
    const traceId = currentTraceId();
    await insertVote(m, tenantId, { ...terms, id, buildingId, createdBy: cmd.actor, traceId }, eligible.map((e) => ({ apartmentId: e.apartmentId, unit: e.unit, weight: e.weight! })));
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: 'vote.created',
      entityType: 'vote',
      entityId: id,
      after: { buildingId, ...terms, eligibleApartments: eligible.length, totalWeight: eligible.reduce((s, e) => s + e.weight!, 0) },
    });
    await closer.schedule(m, { tenantId, voteId: id, closesAt: terms.closesAt, traceId });
    return id;
  });
}
