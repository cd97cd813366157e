// Votes through the gateway on real PostgreSQL and the in-process bus, with collections beside voting:
// secret and open ballots, changeable ballots, weighting per apartment, no quorum (no automation),
// CSV/PDF exports, owners' and building managers' scope, tenant isolation, and bad input on every
// mutation (typed errors naming the field, nothing written).
import { eventually } from '@commonhold/testing';
import { setTenantFeatureFlag } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import {
  CANCEL, CAST, CLOSE, CREATE_RULE, CREATE_VOTE, EXPORT, PREVIEW, RULES, SET_RULE_ENABLED, VOTE, VOTES,
  buildRule, buildVote, cast, createVote, givenBuilding, idempotencyKey, manager, ok, owner, refused, tenantName, tenantRows,
} from './support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['identity', 'collections', 'voting'] });
}, 180_000);
afterAll(async () => platform?.stop());

const rows = async (tenant: string) =>
  (await tenantRows(platform, 'voting', tenant, `SELECT (SELECT count(*)::int FROM votes) AS votes, (SELECT count(*)::int FROM ballots) AS ballots, (SELECT count(*)::int FROM automation_rules) AS rules,
     (SELECT count(*)::int FROM automation_executions) AS executions, (SELECT count(*)::int FROM audit_events) AS audit`))[0];

describe('ballots and results', () => {
  it('keeps a secret ballot secret: results by weight, choices only to the apartment’s owner, exports without ballots', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [500, 300, 200]);
    const [a, b, c] = apartments;
    const vote = await createVote(acme, buildingId, { secretBallot: true, title: '=HYPERLINK("http://evil","x")', approvalRule: 'TWO_THIRDS_CAST', ballotChangesAllowed: true });
    const alice = owner(platform, tenant, a!.id);
    expect(await cast(alice, vote.id, a!.id, 'no')).toMatchObject({ choice: 'no', weight: 500, changes: 0 });
    // Changeable before the close, where the vote allows it: the same ballot, changed.
    expect(await cast(alice, vote.id, a!.id, 'YES')).toMatchObject({ choice: 'yes', changes: 1 });
    await cast(owner(platform, tenant, b!.id), vote.id, b!.id, 'abstain');
    await cast(owner(platform, tenant, c!.id), vote.id, c!.id, 'no');

    // The manager sees who voted, never what; the owner sees only its own ballot and eligibility.
    const seenByManager = (await ok(manager(platform, tenant, buildingId), VOTE, { id: vote.id })).vote;
    expect(seenByManager.ballots.map((x: any) => [x.unit, x.choice, x.weight])).toEqual([['1', null, 500], ['2', null, 300], ['3', null, 200]]);
    const seenByAlice = (await ok(alice, VOTE, { id: vote.id })).vote;
    expect(seenByAlice.ballots.map((x: any) => [x.unit, x.choice])).toEqual([['1', 'yes']]);
    expect(seenByAlice.voters).toEqual([{ apartmentId: a!.id, unit: '1', weight: 500, hasVoted: true }]);

    const result = (await ok(acme, CLOSE, { input: { id: vote.id, idempotencyKey: idempotencyKey() } })).closeVote.vote;
    // yes 500 of decisive 700 ≥ two thirds; the abstention counts for the quorum only.
    expect(result).toMatchObject({ status: 'CLOSED', result: { outcome: 'APPROVED', castWeight: 1000, abstainWeight: 300, decisiveWeight: 700, approvalPercent: 71.42 } });
    expect(await refused(alice, CAST, { input: { voteId: vote.id, apartmentId: a!.id, choice: 'no', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'CLOSED' });

    const csv = (await ok(acme, EXPORT, { voteId: vote.id, format: 'CSV' })).voteResultExport;
    expect(csv).toMatchObject({ contentType: 'text/csv; charset=utf-8', encoding: 'utf8' });
    expect(csv.content).toContain(`vote,"'=HYPERLINK(""http://evil"",""x"")"`); // the formula is escaped
    expect(csv.content).toContain('Yes,500,1,50.00');
    expect(csv.content).not.toMatch(/unit,choice/); // no ballots of a secret vote
    const pdf = (await ok(acme, EXPORT, { voteId: vote.id, format: 'PDF' })).voteResultExport;
    expect(pdf).toMatchObject({ contentType: 'application/pdf', encoding: 'base64' });
    expect(Buffer.from(pdf.content, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('weights one per apartment; without quorum the vote closes NO_QUORUM and no rule fires; an open vote exports each ballot', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [700, 100, 100, 100]);
    await ok(acme, CREATE_RULE, { input: buildRule(buildingId) });
    const vote = await createVote(acme, buildingId, { weighting: 'PER_APARTMENT', quorumPercent: 75 });
    await cast(owner(platform, tenant, apartments[0]!.id), vote.id, apartments[0]!.id, 'yes');
    await cast(owner(platform, tenant, apartments[1]!.id), vote.id, apartments[1]!.id, 'yes');
    const before = await rows(tenant);
    const done = (await ok(acme, CLOSE, { input: { id: vote.id, idempotencyKey: idempotencyKey() } })).closeVote.vote;
    expect(done.result).toMatchObject({ outcome: 'NO_QUORUM', quorumMet: false, totalWeight: 4, castWeight: 2, winningOption: null });
    expect((await rows(tenant))!.executions).toBe(before!.executions);
    const preview = (await ok(acme, PREVIEW, { voteId: vote.id })).previewVoteAutomation;
    expect(preview).toMatchObject({ provisional: false, items: [{ fires: false, decision: 'NOT_APPROVED', execution: null }] });
    const csv = (await ok(acme, EXPORT, { voteId: vote.id, format: 'CSV' })).voteResultExport.content;
    expect(csv).toContain('unit,choice,weight\n1,Yes,1\n2,Yes,1');
  });

  it('counts a vote on named options and cancels a vote without a result', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [600, 400]);
    const vote = await createVote(acme, buildingId, { kind: 'OPTIONS', options: ['Slate', 'Tiles'] });
    expect(vote.options).toEqual([{ key: 'option-1', label: 'Slate' }, { key: 'option-2', label: 'Tiles' }]);
    await cast(acme, vote.id, apartments[0]!.id, 'option-2');
    expect(await refused(acme, CAST, { input: { voteId: vote.id, apartmentId: apartments[1]!.id, choice: 'yes', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.choice' });
    const done = (await ok(acme, CLOSE, { input: { id: vote.id, idempotencyKey: idempotencyKey() } })).closeVote.vote;
    expect(done.result).toMatchObject({ outcome: 'APPROVED', winningOption: 'option-2', choices: [{ label: 'Slate', weight: 0 }, { label: 'Tiles', weight: 600 }] });

    const other = await createVote(acme, buildingId);
    expect((await ok(acme, CANCEL, { input: { id: other.id, idempotencyKey: idempotencyKey() } })).cancelVote.vote.status).toBe('CANCELLED');
    expect(await refused(acme, CAST, { input: { voteId: other.id, apartmentId: apartments[0]!.id, choice: 'yes', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'CLOSED' });
    expect(await refused(acme, CANCEL, { input: { id: vote.id, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'CLOSED' });
    expect(await refused(acme, EXPORT, { voteId: other.id, format: 'CSV' })).toMatchObject({ code: 'CONFLICT', reason: 'NOT_CLOSED' });
  });

  it('refuses a vote weighted by share while the building’s shares are incomplete', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId } = await givenBuilding(platform, tenant, acme, []);
    await ok(acme, `mutation($input: CreateApartmentInput!) { createApartment(input: $input) { apartment { id } } }`, { input: { buildingId, unit: '1', idempotencyKey: idempotencyKey() } });
    await eventually(async () => (await tenantRows(platform, 'voting', tenant, `SELECT 1 FROM voting_apartments WHERE building_id = $1`, [buildingId])).length === 1);
    expect(await refused(acme, CREATE_VOTE, { input: buildVote(buildingId) })).toMatchObject({ code: 'CONFLICT', field: 'input.weighting', reason: 'SHARES_INCOMPLETE', missing: 1, sum: 0 });
    // One per apartment needs no shares.
    expect((await createVote(acme, buildingId, { weighting: 'PER_APARTMENT' })).weighting).toBe('PER_APARTMENT');
    expect((await rows(tenant))!.votes).toBe(1);
  });
});

describe('ENABLE_VOTE_AUTOMATION', () => {
  it('off for a tenant: rules cannot be created, and an approved vote closes without executing any', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [1000]);
    await ok(acme, CREATE_RULE, { input: buildRule(buildingId) });
    const rt = platform.services.voting!.runtime;
    await setTenantFeatureFlag(rt.ds, { tenantId: tenant, flag: 'ENABLE_VOTE_AUTOMATION', enabled: false, actor: 'voting e2e' });
    rt.flags.forget(tenant);
    expect(await refused(acme, CREATE_RULE, { input: buildRule(buildingId) })).toMatchObject({ code: 'FEATURE_DISABLED' });
    const vote = await createVote(acme, buildingId);
    await cast(acme, vote.id, apartments[0]!.id, 'yes');
    expect((await ok(acme, CLOSE, { input: { id: vote.id, idempotencyKey: idempotencyKey() } })).closeVote.vote.result.outcome).toBe('APPROVED');
    expect((await rows(tenant))!.executions).toBe(0);
    expect(await tenantRows(platform, 'voting', tenant, `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [vote.id])).toEqual([{ action: 'vote.created' }, { action: 'vote.closed' }, { action: 'vote.automation-skipped' }]);
  });
});

describe('ballots through single-use signed links', () => {
  const LINK = `mutation($input: CreatePublicLinkInput!) { createPublicLink(input: $input) { token } }`;
  const link = async (as: ReturnType<TestPlatform['as']>, voteId: string, apartmentId: string) =>
    (await ok(as, LINK, { input: { purpose: 'vote_ballot', subjectId: voteId, scope: [`apartment:${apartmentId}`], expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 1, idempotencyKey: idempotencyKey() } })).createPublicLink.token as string;
  const castByLink = async (token: string, choice: unknown) => {
    const res = await fetch(platform.gateway.url.replace(/\/graphql$/, '/ballot-links/cast'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, choice }) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('casts one ballot per link for its apartment; a bad choice spends no use, a used link writes nothing', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [600, 400]);
    const vote = await createVote(acme, buildingId);
    const token = await link(acme, vote.id, apartments[0]!.id);

    // A bad choice is refused before the link's use is taken.
    expect(await castByLink(token, 'maybe')).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'input.choice' } }] } });
    expect(await castByLink(token, 'yes')).toMatchObject({ status: 200, body: { voteId: vote.id, apartmentId: apartments[0]!.id } });
    // Single use: the second try is refused and writes nothing; the owner cannot vote again either.
    expect(await castByLink(token, 'no')).toMatchObject({ status: 409, body: { errors: [{ extensions: { code: 'CONFLICT' } }] } });
    expect(await refused(owner(platform, tenant, apartments[0]!.id), CAST, { input: { voteId: vote.id, apartmentId: apartments[0]!.id, choice: 'no', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_VOTED' });
    const ballots = (await ok(acme, VOTE, { id: vote.id })).vote.ballots;
    expect(ballots).toEqual([{ apartmentId: apartments[0]!.id, unit: '1', choice: 'yes', weight: 600, channel: 'LINK', changes: 0 }]);
    // A forged or foreign token opens nothing.
    expect((await castByLink(`${token.slice(0, -4)}AAAA`, 'yes')).status).toBe(401);
    const other = await createVote(acme, buildingId);
    const forOther = await link(acme, other.id, apartments[1]!.id);
    await ok(acme, CANCEL, { input: { id: other.id, idempotencyKey: idempotencyKey() } });
    expect(await castByLink(forOther, 'yes')).toMatchObject({ status: 409, body: { errors: [{ extensions: { reason: 'CLOSED' } }] } });
    expect((await rows(tenant))!.ballots).toBe(1);
  });
});

describe('scope and tenants', () => {
  it('an owner reads its building’s votes, votes only for its own apartment, and sees nothing of another building', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const here = await givenBuilding(platform, tenant, acme, [500, 500]);
    const there = await givenBuilding(platform, tenant, acme, [1000]);
    const vote = await createVote(acme, here.buildingId);
    const elsewhere = await createVote(acme, there.buildingId);
    const alice = owner(platform, tenant, here.apartments[0]!.id);
    expect((await ok(alice, VOTES, {})).votes.edges.map((e: any) => e.node.id)).toEqual([vote.id]);
    // Through the federation: collections' building with voting's votes on it.
    const BUILDING_VOTES = `query($id: ID!) { building(id: $id) { id name votes(first: 5) { edges { node { id title } } } } }`;
    expect((await ok(alice, BUILDING_VOTES, { id: here.buildingId })).building).toEqual({ id: here.buildingId, name: 'Harbour House', votes: { edges: [{ node: { id: vote.id, title: 'New roof' } }] } });
    expect((await ok(acme, BUILDING_VOTES, { id: there.buildingId })).building.votes.edges.map((e: any) => e.node.id)).toEqual([elsewhere.id]);
    expect((await ok(alice, VOTE, { id: elsewhere.id })).vote).toBeNull();
    // The neighbour's apartment, and an apartment of another building: refused, nothing written.
    expect(await refused(alice, CAST, { input: { voteId: vote.id, apartmentId: here.apartments[1]!.id, choice: 'yes', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(alice, CAST, { input: { voteId: elsewhere.id, apartmentId: there.apartments[0]!.id, choice: 'yes', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(alice, CAST, { input: { voteId: elsewhere.id, apartmentId: here.apartments[0]!.id, choice: 'yes', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    // Owners neither create votes nor rules, nor close them.
    expect(await refused(alice, CREATE_VOTE, { input: buildVote(here.buildingId) })).toMatchObject({ code: 'FORBIDDEN', permission: 'votes:write' });
    expect(await refused(alice, CLOSE, { input: { id: vote.id, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN', permission: 'votes:write' });
    expect(await refused(alice, CREATE_RULE, { input: buildRule(here.buildingId) })).toMatchObject({ code: 'FORBIDDEN', permission: 'automation-rules:write' });
    expect((await rows(tenant))!.ballots).toBe(0);
  });

  it('a building manager reaches its buildings only', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const mine = await givenBuilding(platform, tenant, acme, [1000]);
    const theirs = await givenBuilding(platform, tenant, acme, [1000]);
    const bob = manager(platform, tenant, mine.buildingId);
    const vote = await createVote(bob, mine.buildingId);
    const foreign = await createVote(acme, theirs.buildingId);
    expect(await refused(bob, CREATE_VOTE, { input: buildVote(theirs.buildingId) })).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
    expect(await refused(bob, CREATE_RULE, { input: buildRule(theirs.buildingId) })).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
    expect(await refused(bob, CLOSE, { input: { id: foreign.id, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(bob, PREVIEW, { voteId: foreign.id })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await ok(bob, VOTES, {})).votes.edges.map((e: any) => e.node.id)).toEqual([vote.id]);
    await ok(bob, CREATE_RULE, { input: buildRule(mine.buildingId) });
    await ok(acme, CREATE_RULE, { input: buildRule(theirs.buildingId) });
    expect((await ok(bob, RULES, {})).automationRules.edges).toHaveLength(1);
    // Managers do not vote; an admin may record a paper ballot (channel STAFF).
    expect(await refused(bob, CAST, { input: { voteId: vote.id, apartmentId: mine.apartments[0]!.id, choice: 'yes', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN', permission: 'votes:cast' });
    expect(await cast(acme, vote.id, mine.apartments[0]!.id, 'yes')).toMatchObject({ channel: 'STAFF' });
  });

  it('does not return another tenant’s vote or rule', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const bravo = platform.as(tenantName('bravo'));
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [1000]);
    const vote = await createVote(acme, buildingId);
    const rule = (await ok(acme, CREATE_RULE, { input: buildRule(buildingId) })).createAutomationRule.rule;
    expect((await ok(bravo, VOTE, { id: vote.id })).vote).toBeNull();
    expect((await ok(bravo, VOTES, {})).votes.edges).toEqual([]);
    expect((await ok(bravo, RULES, {})).automationRules.edges).toEqual([]);
    expect(await refused(bravo, CAST, { input: { voteId: vote.id, apartmentId: apartments[0]!.id, choice: 'yes', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(bravo, SET_RULE_ENABLED, { input: { id: rule.id, enabled: false, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(bravo, CREATE_VOTE, { input: buildVote(buildingId) })).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
  });
});

describe('bad input on every mutation', () => {
  it('answers typed errors naming the field and writes nothing', async () => {
    const tenant = tenantName('acme');
    const acme = platform.as(tenant);
    const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [1000]);
    const vote = await createVote(acme, buildingId);
    const before = await rows(tenant);
    const k = () => idempotencyKey();
    const cases: [string, Record<string, unknown>, string, string][] = [
      [CREATE_VOTE, buildVote(buildingId, { title: ' ' }), 'BAD_USER_INPUT', 'input.title'],
      [CREATE_VOTE, buildVote(buildingId, { closesAt: new Date(Date.now() - 60_000).toISOString() }), 'BAD_USER_INPUT', 'input.closesAt'],
      [CREATE_VOTE, buildVote(buildingId, { quorumPercent: 150 }), 'BAD_USER_INPUT', 'input.quorumPercent'],
      [CREATE_VOTE, buildVote(buildingId, { kind: 'OPTIONS', options: ['only'] }), 'BAD_USER_INPUT', 'input.options'],
      [CREATE_VOTE, buildVote('00000000-0000-4000-8000-000000000000'), 'NOT_FOUND', 'input.buildingId'],
      [CREATE_VOTE, buildVote(buildingId, { idempotencyKey: '' }), 'BAD_USER_INPUT', 'input.idempotencyKey'],
      [CAST, { voteId: vote.id, apartmentId: apartments[0]!.id, choice: 'maybe', idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.choice'],
      [CAST, { voteId: vote.id, apartmentId: 'not-a-uuid', choice: 'yes', idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.apartmentId'],
      [CAST, { voteId: 'nope', apartmentId: apartments[0]!.id, choice: 'yes', idempotencyKey: k() }, 'NOT_FOUND', 'input.voteId'],
      [CLOSE, { id: 'nope', idempotencyKey: k() }, 'NOT_FOUND', 'input.id'],
      [CANCEL, { id: '00000000-0000-4000-8000-000000000000', idempotencyKey: k() }, 'NOT_FOUND', 'input.id'],
      [CREATE_RULE, buildRule(buildingId, { action: 'WORK_ORDER' }), 'BAD_USER_INPUT', 'input.task'],
      [CREATE_RULE, buildRule(buildingId, { minApprovalPercent: -5 }), 'BAD_USER_INPUT', 'input.minApprovalPercent'],
      [CREATE_RULE, buildRule(buildingId, { task: null, action: 'WORK_ORDER', workOrder: { category: 'roofing', title: 'x', budget: { amountMinor: 10, currency: 'pounds' } } }), 'BAD_USER_INPUT', 'input.workOrder.budget.currency'],
      [CREATE_RULE, buildRule(buildingId, { sla: { completionDays: 0 } }), 'BAD_USER_INPUT', 'input.sla.completionDays'],
      [SET_RULE_ENABLED, { id: 'nope', enabled: true, idempotencyKey: k() }, 'NOT_FOUND', 'input.id'],
    ];
    for (const [query, input, code, field] of cases) {
      expect({ field, error: await refused(acme, query, { input }) }).toMatchObject({ field, error: { code, field } });
    }
    // A GraphQL type error (an unknown enum value) is a client error too, never a 500.
    expect(await refused(acme, CREATE_VOTE, { input: buildVote(buildingId, { weighting: 'BY_AREA' }) })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await rows(tenant)).toEqual(before);
  });
});
