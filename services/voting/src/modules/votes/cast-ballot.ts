import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { accessScope, AppError, forbidden, idempotent, isUuid, notFound, writeAudit, type ScopeClaim } from '@commonhold/kit';
import { parseChoice, visibleStatus } from './vote';
import { changeBallot, findBallot, findVote, findVoter, insertBallot, type BallotRow } from './vote.store';

export interface CastBallot {
  tenantId: string;
  actor: string;
  /** The caller's scope: an owner (`apartment:<id>`) votes only for its own apartments. */
  scope: ScopeClaim;
  channel: BallotRow['channel'];
  input: { voteId?: unknown; apartmentId?: unknown; choice?: unknown; idempotencyKey?: unknown };
}

const refusal = (reason: string, message: string, field = 'input.voteId') => new AppError('CONFLICT', message, { field, details: { reason } });

/**
 * Casts (or, where the vote allows it, changes) the ballot of one apartment (NC-401 item 1): the vote
 * must be open, the apartment eligible and within the caller's scope; one ballot per apartment — the
 * unique key refuses a second one even under a race. Weight comes from the vote's voter list.
 */
export function castBallot(m: EntityManager, cmd: CastBallot): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'castBallot', input, async () => {
    if (!isUuid(input.voteId)) throw notFound('input.voteId', 'No such vote');
    if (!isUuid(input.apartmentId)) throw badApartment();
    const apartmentId = input.apartmentId.toLowerCase();
    const scope = accessScope(cmd.scope);
    // An apartment-scoped caller (an owner) votes for its own apartments only, never a neighbour's.
    if (!scope.global && !scope.apartments.includes(apartmentId) && !scope.buildings.length) throw forbidden('You can vote only for your own apartment');
    const vote = await findVote(m, tenantId, input.voteId, true);
    if (!vote) throw notFound('input.voteId', 'No such vote');
    const choice = parseChoice('input.choice', vote.options, input.choice);
    const voter = await findVoter(m, tenantId, vote.id, apartmentId);
    if (!voter) {
      if (!scope.global && !scope.apartments.includes(apartmentId)) throw forbidden('You can vote only for your own apartment');
      throw badApartment();
    }
    const status = visibleStatus(vote.status, vote.opens_at, vote.closes_at, new Date());
    if (status === 'scheduled') throw refusal('NOT_OPEN', 'The vote is not open yet');
    if (status !== 'open') throw refusal('CLOSED', 'The vote is closed');
    const id = randomUUID();
    if (await insertBallot(m, tenantId, { id, voteId: vote.id, buildingId: vote.building_id, apartmentId, choice, weight: voter.weight, castBy: cmd.actor, channel: cmd.channel })) {
      await writeAudit(m, { tenantId, actor: cmd.actor, action: 'ballot.cast', entityType: 'ballot', entityId: id, after: { voteId: vote.id, apartmentId, weight: voter.weight, channel: cmd.channel, ...(vote.secret_ballot ? {} : { choice }) } });
      return id;
    }
    const existing = (await findBallot(m, tenantId, vote.id, apartmentId, true))!;
    if (!vote.ballot_changes_allowed) throw refusal('ALREADY_VOTED', 'This apartment has voted already, and this vote does not allow changing a ballot', 'input.apartmentId');
    if (existing.choice !== choice) {
      await changeBallot(m, tenantId, existing.id, choice, cmd.actor);
      await writeAudit(m, {
        tenantId,
        actor: cmd.actor,
        action: 'ballot.changed',
        entityType: 'ballot',
        entityId: existing.id,
        ...(vote.secret_ballot ? {} : { before: { choice: existing.choice }, after: { choice } }),
      });
    }
    return existing.id;
  });
}

const badApartment = () => new AppError('BAD_USER_INPUT', 'The apartment is not eligible in this vote', { field: 'input.apartmentId' });
