import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, writeAudit, type ServiceRuntime } from '@commonhold/kit';
import { tally, type Tally } from './tally';
import { visibleStatus } from './vote';
import { ballotsOf, cancelVoteRow, findVote, recordClose, voters, type VoteRow } from './vote.store';
import type { Command } from './create-vote';

/** What runs in the closing transaction once a vote's result is known (automation rules hook in here). */
export type VoteClosedHandler = (m: EntityManager, closed: { tenantId: string; vote: VoteRow; result: Tally; closedAt: Date }) => Promise<void>;

const handlers = new WeakMap<ServiceRuntime, VoteClosedHandler[]>();

/** Registers `handler` to run inside every vote close of this service (in module order). */
export function onVoteClosed(rt: ServiceRuntime, handler: VoteClosedHandler): void {
  handlers.set(rt, [...(handlers.get(rt) ?? []), handler]);
}

/** Counts a vote from its voters and ballots (pure tally over the stored rows). */
export async function countVote(m: EntityManager, tenantId: string, vote: VoteRow): Promise<Tally> {
  const [vs, bs] = await Promise.all([voters(m, tenantId, vote.id), ballotsOf(m, tenantId, vote.id)]);
  return tally({
    options: vote.options.map((o) => o.key),
    voters: vs.map((v) => ({ apartmentId: v.apartment_id, weight: v.weight })),
    ballots: bs.map((b) => ({ apartmentId: b.apartment_id, choice: b.choice })),
    quorumBasisPoints: vote.quorum_bp,
    approvalRule: vote.approval_rule,
  });
}

/**
 * Closes a vote once (NC-402): locks it, counts it, stores the result and its audit event, and runs
 * the after-close handlers (automation) in the same transaction. A vote already closed or cancelled
 * is left as it is (a second close, a redelivered job): returns false.
 */
export async function closeVoteOnce(m: EntityManager, rt: ServiceRuntime, tenantId: string, voteId: string, actor: string, early: boolean): Promise<boolean> {
  const vote = await findVote(m, tenantId, voteId, true);
  if (!vote || vote.status !== 'open') return false;
  // The database's clock decides (pg-boss starts the job by it too), not this process's.
  const now = ((await m.query('SELECT now() AS now')) as { now: Date }[])[0]!.now;
  if (!early && now < vote.closes_at) return false;
  const result = await countVote(m, tenantId, vote);
  await recordClose(m, tenantId, vote.id, { result, closedAt: now, closedBy: actor });
  await writeAudit(m, {
    tenantId,
    actor,
    action: 'vote.closed',
    entityType: 'vote',
    entityId: vote.id,
    before: { status: 'open' },
    after: { status: 'closed', outcome: result.outcome, quorumMet: result.quorumMet, totalWeight: result.totalWeight, castWeight: result.castWeight, options: result.options, early },
  });
  for (const h of handlers.get(rt) ?? []) await h(m, { tenantId, vote: { ...vote, status: 'closed', result, outcome: result.outcome, closed_at: now }, result, closedAt: now });
  return true;
}

/** Closes an open vote now, before its time (a manager's decision); a closed vote answers as it is. */
export function closeVoteNow(m: EntityManager, rt: ServiceRuntime, cmd: Command<{ id?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'closeVote', input, async () => {
    const vote = isUuid(input.id) ? await findVote(m, tenantId, input.id, true) : null;
    if (!vote) throw notFound('input.id', 'No such vote');
    if (vote.status === 'cancelled') throw new AppError('CONFLICT', 'The vote was cancelled', { field: 'input.id', details: { reason: 'CANCELLED' } });
    if (vote.status === 'open' && visibleStatus(vote.status, vote.opens_at, vote.closes_at, new Date()) === 'scheduled') {
      throw new AppError('CONFLICT', 'The vote has not opened yet; cancel it instead', { field: 'input.id', details: { reason: 'NOT_OPEN' } });
    }
    await closeVoteOnce(m, rt, tenantId, vote.id, cmd.actor, true);
    return vote.id;
  });
}

/** Cancels a vote that has not closed: no result, no automation. */
export function cancelVote(m: EntityManager, cmd: Command<{ id?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'cancelVote', input, async () => {
    const vote = isUuid(input.id) ? await findVote(m, tenantId, input.id, true) : null;
    if (!vote) throw notFound('input.id', 'No such vote');
    if (vote.status === 'cancelled') return vote.id;
    if (vote.status === 'closed') throw new AppError('CONFLICT', 'A closed vote cannot be cancelled', { field: 'input.id', details: { reason: 'CLOSED' } });
    await cancelVoteRow(m, tenantId, vote.id, cmd.actor);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'vote.cancelled', entityType: 'vote', entityId: vote.id, before: { status: 'open' }, after: { status: 'cancelled' } });
    return vote.id;
  });
}
