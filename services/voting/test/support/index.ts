// Shared support for voting's tests: a building in collections projected into voting, callers
// (owners, building managers), and the GraphQL operations the specs use (the generic helpers come
// from @commonhold/testing).
import { eventually } from '@commonhold/testing';
import { idempotencyKey, ok, tenantRows, type As } from '@commonhold/testing/src/support';
import type { TestPlatform } from '@commonhold/testing/src/platform';

export { idempotencyKey, ok, refused, tenantName, tenantRows, type As } from '@commonhold/testing/src/support';

const CREATE_BUILDING = `mutation($input: CreateBuildingInput!) { createBuilding(input: $input) { building { id } } }`;
const CREATE_APARTMENT = `mutation($input: CreateApartmentInput!) { createApartment(input: $input) { apartment { id unit } } }`;
const SET_SHARES = `mutation($input: SetBuildingSharesInput!) { setBuildingShares(input: $input) { building { id sharesComplete } } }`;

const RESULT = `result { outcome quorumMet totalWeight castWeight abstainWeight decisiveWeight ballotsCast eligibleApartments approvalPercent leadingOption winningOption choices { option label weight ballots } }`;
export const VOTE_FIELDS = `id buildingId building { id } title question category kind options { key label } opensAt closesAt secretBallot weighting quorumPercent approvalRule
  ballotChangesAllowed status closedAt traceId ${RESULT}`;
export const EXECUTION_FIELDS = `id ruleId voteId action status requestId workOrderId voteClosedAt executedAt latencySeconds linkedAt traceId
  task { id title assignee status respondBy dueAt traceId } project { id name tasks { title } traceId }`;
export const CREATE_VOTE = `mutation($input: CreateVoteInput!) { createVote(input: $input) { vote { ${VOTE_FIELDS} } } }`;
export const CAST = `mutation($input: CastBallotInput!) { castBallot(input: $input) { ballot { id apartmentId unit choice weight channel changes } vote { id status } } }`;
export const CLOSE = `mutation($input: CloseVoteInput!) { closeVote(input: $input) { vote { ${VOTE_FIELDS} } } }`;
export const CANCEL = `mutation($input: CancelVoteInput!) { cancelVote(input: $input) { vote { id status } } }`;
export const VOTE = `query($id: ID!) { vote(id: $id) { ${VOTE_FIELDS} voters { apartmentId unit weight hasVoted } ballots { apartmentId unit choice weight channel changes } automation { ${EXECUTION_FIELDS} } } }`;
export const VOTES = `query($buildingId: ID) { votes(buildingId: $buildingId, first: 20) { edges { node { id } } } }`;
export const EXPORT = `query($voteId: ID!, $format: VoteExportFormat!) { voteResultExport(voteId: $voteId, format: $format) { filename contentType encoding content } }`;
export const RULE_FIELDS = `id buildingId name trigger category action minApprovalPercent assignee enabled task { title } project { name tasks } workOrder { category title budget { amountMinor currency } } sla { responseHours completionDays }`;
export const CREATE_RULE = `mutation($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) { rule { ${RULE_FIELDS} } } }`;
export const SET_RULE_ENABLED = `mutation($input: SetAutomationRuleEnabledInput!) { setAutomationRuleEnabled(input: $input) { rule { id enabled } } }`;
export const RULES = `query($buildingId: ID) { automationRules(buildingId: $buildingId, first: 50) { edges { node { id name } } } }`;
export const PREVIEW = `query($voteId: ID!) { previewVoteAutomation(voteId: $voteId) { provisional ${RESULT} vote { id status } items { rule { id name } fires decision execution { id status } } } }`;

/** An owner of one apartment: role `owner`, scope `apartment:<id>`. */
export const owner = (platform: TestPlatform, tenant: string, apartmentId: string) =>
  platform.as(tenant, { roles: ['owner'], scope: [`apartment:${apartmentId}`], userId: `owner-of-${apartmentId.slice(0, 8)}` });

/** A building manager of the given buildings. */
export const manager = (platform: TestPlatform, tenant: string, ...buildingIds: string[]) =>
  platform.as(tenant, { roles: ['building_manager'], scope: buildingIds.map((b) => `building:${b}`), userId: 'manager' });

/**
 * A building with apartments and ownership shares (thousandths) created in collections through the
 * gateway, and waited for until voting has projected all of it.
 */
export async function givenBuilding(platform: TestPlatform, tenant: string, as: As, shares: number[]): Promise<{ buildingId: string; apartments: { id: string; unit: string }[] }> {
  const buildingId = (await ok(as, CREATE_BUILDING, { input: { name: 'Harbour House', address: { line1: '1 Quay Street', city: 'Bristol', postcode: 'BS1 4DJ' }, idempotencyKey: idempotencyKey() } })).createBuilding.building.id;
  const apartments: { id: string; unit: string }[] = [];
  for (let i = 0; i < shares.length; i++) {
    apartments.push((await ok(as, CREATE_APARTMENT, { input: { buildingId, unit: `${i + 1}`, idempotencyKey: idempotencyKey() } })).createApartment.apartment);
  }
  if (shares.length) await ok(as, SET_SHARES, { input: { buildingId, shares: apartments.map((a, i) => ({ apartmentId: a.id, ownershipShare: shares[i] })), idempotencyKey: idempotencyKey() } });
  await eventually(
    async () => {
      const [r] = await tenantRows(platform, 'voting', tenant, `SELECT (SELECT count(*)::int FROM voting_buildings WHERE id = $1) AS b,
        (SELECT count(*)::int FROM voting_apartments WHERE building_id = $1 AND deleted_at IS NULL AND ownership_share IS NOT NULL) AS a`, [buildingId]);
      return r!.b === 1 && r!.a === shares.length;
    },
    { timeoutMs: 60_000 },
  );
  return { buildingId, apartments };
}

/** `createVote` input; `overrides` replace any field. */
export function buildVote(buildingId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    buildingId,
    title: 'New roof',
    question: 'Replace the roof this spring within the quoted budget?',
    category: 'roof',
    closesAt: new Date(Date.now() + 3_600_000).toISOString(),
    secretBallot: false,
    weighting: 'OWNERSHIP_SHARE',
    quorumPercent: 50,
    approvalRule: 'SIMPLE_MAJORITY',
    idempotencyKey: idempotencyKey(),
    ...overrides,
  };
}

/** `createAutomationRule` input for a TASK rule; `overrides` replace any field. */
export function buildRule(buildingId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { buildingId, name: 'Roof works task', action: 'TASK', category: 'roof', assignee: 'caretaker', task: { title: 'Book the roofers' }, sla: { responseHours: 24, completionDays: 30 }, idempotencyKey: idempotencyKey(), ...overrides };
}

export async function createVote(as: As, buildingId: string, overrides: Record<string, unknown> = {}) {
  return (await ok(as, CREATE_VOTE, { input: buildVote(buildingId, overrides) })).createVote.vote;
}

export async function cast(as: As, voteId: string, apartmentId: string, choice: string) {
  return (await ok(as, CAST, { input: { voteId, apartmentId, choice, idempotencyKey: idempotencyKey() } })).castBallot.ballot;
}

/** Waits until the vote is CLOSED (the scheduled close job ran) and returns it with its automation. */
export async function closed(as: As, id: string, timeoutMs = 90_000) {
  let vote: any;
  await eventually(
    async () => {
      vote = (await ok(as, VOTE, { id })).vote;
      return vote.status === 'CLOSED';
    },
    { timeoutMs, intervalMs: 250 },
  );
  return vote;
}
