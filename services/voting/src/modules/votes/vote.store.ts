import type { EntityManager } from 'typeorm';
import type { VoteOption, VoteTerms } from './vote';
import type { Tally } from './tally';

export interface VoteRow {
  id: string;
  tenant_id: string;
  building_id: string;
  title: string;
  question: string;
  category: string | null;
  options: VoteOption[];
  opens_at: Date;
  closes_at: Date;
  secret_ballot: boolean;
  weighting: 'ownership_share' | 'per_apartment';
  quorum_bp: number;
  approval_rule: 'simple_majority' | 'two_thirds_cast' | 'two_thirds_total';
  ballot_changes_allowed: boolean;
  status: 'open' | 'closed' | 'cancelled';
  result: Tally | null;
  outcome: 'approved' | 'rejected' | 'no_quorum' | null;
  closed_at: Date | null;
  closed_by: string | null;
  trace_id: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface VoterRow {
  apartment_id: string;
  unit: string;
  weight: number;
}

export interface BallotRow {
  id: string;
  vote_id: string;
  building_id: string;
  apartment_id: string;
  unit: string;
  choice: string;
  weight: number;
  cast_by: string;
  channel: 'owner' | 'link' | 'staff';
  changes: number;
  cast_at: Date;
  updated_at: Date;
}

/** Reads and writes of votes, voters and ballots; tenantId first, row-level security fences tenant and scope. */

export async function insertVote(
  m: EntityManager,
  tenantId: string,
  v: VoteTerms & { id: string; buildingId: string; createdBy: string; traceId: string | null },
  voters: { apartmentId: string; unit: string; weight: number }[],
): Promise<void> {
  await m.query(
    `INSERT INTO votes (id, tenant_id, building_id, title, question, category, options, opens_at, closes_at, secret_ballot, weighting, quorum_bp, approval_rule, ballot_changes_allowed, status, trace_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, 'open', $15, $16)`,
    [v.id, tenantId, v.buildingId, v.title, v.question, v.category, JSON.stringify(v.options), v.opensAt, v.closesAt, v.secretBallot, v.weighting, v.quorumBasisPoints, v.approvalRule, v.ballotChangesAllowed, v.traceId, v.createdBy],
  );
  await m.query(
    `INSERT INTO vote_voters (vote_id, apartment_id, tenant_id, building_id, unit, weight)
     SELECT $1, x.apartment_id, $2, $3, x.unit, x.weight FROM jsonb_to_recordset($4::jsonb) AS x(apartment_id uuid, unit text, weight int)`,
    [v.id, tenantId, v.buildingId, JSON.stringify(voters.map((x) => ({ apartment_id: x.apartmentId, unit: x.unit, weight: x.weight })))],
  );
}

export async function findVote(m: EntityManager, tenantId: string, id: string, lock = false): Promise<VoteRow | null> {
  const [row] = await m.query(`SELECT * FROM votes WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

/** A page of votes, newest first, optionally of one building. */
export async function pageVotes(m: EntityManager, tenantId: string, buildingId: string | null, after: readonly unknown[] | null, take: number): Promise<VoteRow[]> {
  const params: unknown[] = [tenantId, take];
  let where = 'tenant_id = $1';
  if (buildingId) {
    params.push(buildingId);
    where += ` AND building_id = $${params.length}`;
  }
  if (after) {
    params.push(after[0], after[1]);
    where += ` AND (created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  return m.query(`SELECT * FROM votes WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`, params);
}

export async function voters(m: EntityManager, tenantId: string, voteId: string): Promise<VoterRow[]> {
  return m.query(`SELECT apartment_id, unit, weight FROM vote_voters WHERE tenant_id = $1 AND vote_id = $2 ORDER BY unit, apartment_id`, [tenantId, voteId]);
}

export async function findVoter(m: EntityManager, tenantId: string, voteId: string, apartmentId: string): Promise<VoterRow | null> {
  const [row] = await m.query(`SELECT apartment_id, unit, weight FROM vote_voters WHERE tenant_id = $1 AND vote_id = $2 AND apartment_id = $3`, [tenantId, voteId, apartmentId]);
  return row ?? null;
}

export async function ballotsOf(m: EntityManager, tenantId: string, voteId: string): Promise<BallotRow[]> {
  return m.query(
    `SELECT b.*, v.unit FROM ballots b JOIN vote_voters v ON v.vote_id = b.vote_id AND v.apartment_id = b.apartment_id
      WHERE b.tenant_id = $1 AND b.vote_id = $2 ORDER BY v.unit, b.apartment_id`,
    [tenantId, voteId],
  );
}

export async function findBallot(m: EntityManager, tenantId: string, voteId: string, apartmentId: string, lock = false): Promise<BallotRow | null> {
  const [row] = await m.query(
    `SELECT b.*, v.unit FROM ballots b JOIN vote_voters v ON v.vote_id = b.vote_id AND v.apartment_id = b.apartment_id
      WHERE b.tenant_id = $1 AND b.vote_id = $2 AND b.apartment_id = $3${lock ? ' FOR UPDATE OF b' : ''}`,
    [tenantId, voteId, apartmentId],
  );
  return row ?? null;
}

/** Inserts the apartment's ballot; false when one exists already (the unique key decides, not a read). */
export async function insertBallot(
  m: EntityManager,
  tenantId: string,
  b: { id: string; voteId: string; buildingId: string; apartmentId: string; choice: string; weight: number; castBy: string; channel: BallotRow['channel'] },
): Promise<boolean> {
  const rows = await m.query(
    `INSERT INTO ballots (id, tenant_id, vote_id, building_id, apartment_id, choice, weight, cast_by, channel) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (vote_id, apartment_id) DO NOTHING RETURNING id`,
    [b.id, tenantId, b.voteId, b.buildingId, b.apartmentId, b.choice, b.weight, b.castBy, b.channel],
  );
  return rows.length === 1;
}

export async function changeBallot(m: EntityManager, tenantId: string, id: string, choice: string, castBy: string): Promise<void> {
  await m.query(`UPDATE ballots SET choice = $3, cast_by = $4, changes = changes + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, choice, castBy]);
}

export async function recordClose(m: EntityManager, tenantId: string, id: string, c: { result: Tally; closedAt: Date; closedBy: string }): Promise<void> {
  await m.query(
    `UPDATE votes SET status = 'closed', result = $3::jsonb, outcome = $4, closed_at = $5, closed_by = $6, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, JSON.stringify(c.result), c.result.outcome, c.closedAt, c.closedBy],
  );
}

export async function cancelVoteRow(m: EntityManager, tenantId: string, id: string, by: string): Promise<void> {
  await m.query(`UPDATE votes SET status = 'cancelled', closed_at = now(), closed_by = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, by]);
}
