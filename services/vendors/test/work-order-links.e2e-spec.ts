// Signed work-order links (issue 14 item 6) on the real stack: identity signs and redeems the links,
// collections owns the buildings, vendors issues, records and serves them; all through the gateway on
// real PostgreSQL. The holder of a link runs its one work order accept → start → document → complete;
// it never sees or touches another work order (another vendor's, another tenant's); a revoked (here
// or at identity), expired or foreign link is refused with a typed error; replays duplicate nothing.
import { createHash } from 'node:crypto';
import { setTenantFeatureFlag } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import {
  asManager, asVendor, CREATE_WO, gbp, givenBuilding, givenVendor, idempotencyKey, ok, OFFER_WO, PDF, refused, RESPOND, tenantName, tenantRows, WORK_ORDER, type As,
} from './support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['identity', 'collections', 'vendors'] });
}, 180_000);
afterAll(async () => platform?.stop());

const LINK_FIELDS = 'id workOrderId vendorId expiresAt revokedAt createdBy';
const ISSUE = `mutation($input: IssueWorkOrderLinkInput!) { issueWorkOrderLink(input: $input) { token link { ${LINK_FIELDS} } } }`;
const REVOKE = `mutation($input: RevokeWorkOrderLinkInput!) { revokeWorkOrderLink(input: $input) { link { ${LINK_FIELDS} } } }`;
const IDENTITY_LINK = `mutation($input: CreatePublicLinkInput!) { createPublicLink(input: $input) { token link { id } } }`;
const IDENTITY_REVOKE = `mutation($input: RevokePublicLinkInput!) { revokePublicLink(input: $input) { link { id revokedAt } } }`;

/** A call through a link, as its holder makes it: no account, the token in the body, a key in the header. */
async function viaLink(action: 'view' | 'respond' | 'start' | 'documents' | 'complete', body: Record<string, unknown>, key?: string) {
  const res = await fetch(platform.gateway.url.replace(/\/graphql$/, `/work-order-links/${action}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
const refusal = (r: { status: number; body: any }) => ({ status: r.status, ...r.body.errors?.[0]?.extensions });

/** A work order offered to `vendorId` (its id). */
async function offeredWorkOrder(as: As, buildingId: string, vendorId: string, title = 'Fix the roof'): Promise<string> {
  const id = (await ok(as, CREATE_WO, { input: { buildingId, category: 'roofing', title, idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id as string;
  await ok(as, OFFER_WO, { input: { id, vendorId, price: gbp(80_000), idempotencyKey: idempotencyKey() } });
  return id;
}

/** One tenant with a building, its manager, two vendors and a work order offered to each. */
async function givenTenant(label: string) {
  const tenant = tenantName(label);
  const admin = platform.as(tenant);
  const buildingId = await givenBuilding(platform, tenant, admin);
  const manager = asManager(platform, tenant, buildingId);
  const roofers = await givenVendor(manager, [buildingId], { name: 'Roofers & Co' });
  const slates = await givenVendor(manager, [buildingId], { name: 'Slates Ltd' });
  const mine = await offeredWorkOrder(manager, buildingId, roofers);
  const theirs = await offeredWorkOrder(manager, buildingId, slates, 'Repoint the chimney');
  return { tenant, admin, buildingId, manager, roofers, slates, mine, theirs };
}

const issue = async (as: As, workOrderId: string, extra: Record<string, unknown> = {}) =>
  (await ok(as, ISSUE, { input: { workOrderId, idempotencyKey: idempotencyKey(), ...extra } })).issueWorkOrderLink as { token: string; link: Record<string, any> };

const counts = async (tenant: string, workOrderId: string): Promise<Record<string, number>> =>
  (await tenantRows(platform, 'vendors', tenant, `SELECT
     (SELECT count(*)::int FROM work_order_documents WHERE work_order_id = $1) AS documents,
     (SELECT count(*)::int FROM audit_events WHERE entity_type = 'work-order' AND entity_id = $1::text) AS audit,
     (SELECT count(*)::int FROM work_order_links) AS links`, [workOrderId]))[0]!;

describe('issue 14 item 6: signed work-order links', () => {
  it('the link holder runs its work order accept → start → document → complete, and replays duplicate nothing', async () => {
    const t = await givenTenant('acme');
    const key = idempotencyKey();
    const issued = (await ok(t.manager, ISSUE, { input: { workOrderId: t.mine, expiresInHours: 48, idempotencyKey: key } })).issueWorkOrderLink;
    expect(issued.link).toMatchObject({ workOrderId: t.mine, vendorId: t.roofers, revokedAt: null, createdBy: 'manager-maria' });
    expect(new Date(issued.link.expiresAt).getTime() - Date.now()).toBeGreaterThan(47.9 * 3_600_000);
    // A replay answers the same link and the same token, and identity holds one link, not two.
    const replay = (await ok(t.manager, ISSUE, { input: { workOrderId: t.mine, expiresInHours: 48, idempotencyKey: key } })).issueWorkOrderLink;
    expect(replay).toEqual(issued);
    expect(await tenantRows(platform, 'identity', t.tenant, `SELECT purpose, subject_id, scope, max_uses FROM public_links`)).toEqual([
      { purpose: 'work_order_access', subject_id: t.mine, scope: [`building:${t.buildingId}`], max_uses: 1000 },
    ]);
    const token = issued.token;
    const linkId = issued.link.id as string;

    // The holder sees its work order and only the job's fields.
    const seen = await viaLink('view', { token, workOrderId: t.mine });
    expect(seen).toMatchObject({ status: 200, body: { workOrder: { id: t.mine, status: 'OFFERED', title: 'Fix the roof', agreedPrice: gbp(80_000), documents: [] }, link: { id: linkId } } });
    expect(seen.body.workOrder).not.toHaveProperty('budget');

    // Every action needs an Idempotency-Key; none is spent on a refusal.
    expect(refusal(await viaLink('respond', { token, workOrderId: t.mine, accept: true }))).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });

    const accept = idempotencyKey();
    expect((await viaLink('respond', { token, workOrderId: t.mine, accept: true }, accept)).body.workOrder.status).toBe('ACCEPTED');
    expect(await viaLink('respond', { token, workOrderId: t.mine, accept: true }, accept)).toMatchObject({ status: 200, body: { workOrder: { status: 'ACCEPTED' } } }); // replay
    expect(refusal(await viaLink('respond', { token, workOrderId: t.mine, accept: true }, idempotencyKey()))).toMatchObject({ status: 409, code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION' });
    // Same key, other input: refused, not replayed.
    expect(refusal(await viaLink('respond', { token, workOrderId: t.mine, accept: false, reason: 'busy' }, accept))).toMatchObject({ status: 409, code: 'IDEMPOTENCY_CONFLICT' });

    const start = idempotencyKey();
    expect((await viaLink('start', { token, workOrderId: t.mine }, start)).body.workOrder.status).toBe('IN_PROGRESS');
    expect((await viaLink('start', { token, workOrderId: t.mine }, start)).status).toBe(200);

    // Documents through the storage interface: type checked on the bytes, size limited, checksummed.
    const upload = { token, workOrderId: t.mine, kind: 'COMPLETION', fileName: 'roof-after.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64') };
    expect(refusal(await viaLink('documents', { ...upload, contentBase64: Buffer.from('not a pdf').toString('base64') }, idempotencyKey()))).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'contentType', reason: 'TYPE_MISMATCH' });
    expect(refusal(await viaLink('documents', { ...upload, sha256: '0'.repeat(64) }, idempotencyKey()))).toMatchObject({ status: 400, field: 'sha256', reason: 'CHECKSUM_MISMATCH' });
    expect(refusal(await viaLink('documents', { ...upload, contentBase64: Buffer.concat([PDF, Buffer.alloc(600 * 1024)]).toString('base64') }, idempotencyKey()))).toMatchObject({ status: 400, field: 'contentBase64', reason: 'TOO_LARGE' });
    const sha = createHash('sha256').update(PDF).digest('hex');
    const docKey = idempotencyKey();
    const doc = await viaLink('documents', { ...upload, sha256: sha }, docKey);
    expect(doc).toMatchObject({ status: 201, body: { document: { kind: 'COMPLETION', fileName: 'roof-after.pdf', sizeBytes: PDF.length, sha256: sha } } });
    expect((await viaLink('documents', { ...upload, sha256: sha }, docKey)).body.document.id).toBe(doc.body.document.id); // replay: the same document

    const complete = idempotencyKey();
    const proof = { token, workOrderId: t.mine, notes: 'New membrane laid', documentIds: [doc.body.document.id], invoice: gbp(82_000) };
    const done = await viaLink('complete', proof, complete);
    expect(done).toMatchObject({ status: 200, body: { workOrder: { status: 'COMPLETED', completionNotes: 'New membrane laid', invoice: gbp(82_000), documents: [{ id: doc.body.document.id, sha256: sha }] } } });
    expect((await viaLink('complete', proof, complete)).body.workOrder.status).toBe('COMPLETED');

    // The office sees the same work order, the link as the actor, and exactly one of each effect.
    const wo = (await ok(t.manager, WORK_ORDER, { id: t.mine })).workOrder;
    expect(wo).toMatchObject({ status: 'COMPLETED', vendor: { id: t.roofers }, invoice: gbp(82_000), documents: [{ id: doc.body.document.id, sha256: sha }] });
    const audit = await tenantRows(platform, 'vendors', t.tenant, `SELECT action, actor, trace_id FROM audit_events WHERE entity_type = 'work-order' AND entity_id = $1 ORDER BY id`, [t.mine]);
    expect(audit.map((a) => a.action)).toEqual(['work-order.requested', 'work-order.offered', 'work-order.link-issued', 'work-order.accepted', 'work-order.in_progress', 'work-order.document-uploaded', 'work-order.completed']);
    expect(audit.slice(3).map((a) => a.actor)).toEqual(Array(4).fill(`work-order-link:${linkId}`));
    expect(audit.filter((a) => !a.trace_id)).toEqual([]);
    expect(await counts(t.tenant, t.mine)).toEqual({ documents: 1, audit: 7, links: 1 });
    // Each call through the link redeemed one use at identity (refusals before the link check spend none).
    expect(await tenantRows(platform, 'identity', t.tenant, `SELECT uses FROM public_links WHERE id = $1`, [linkId])).toEqual([{ uses: 14 }]);
  });

  it('a link never shows or touches another work order: another vendor’s, another tenant’s, or one named by a forged link', async () => {
    const a = await givenTenant('acme');
    const b = await givenTenant('globex');
    const { token } = await issue(a.manager, a.mine);
    const foreign = await issue(b.manager, b.mine);
    const before = { theirs: await counts(a.tenant, a.theirs), other: await counts(b.tenant, b.mine) };

    // Another vendor's work order in the same building, and another tenant's: refused before anything is read.
    for (const workOrderId of [a.theirs, b.mine, b.theirs]) {
      expect(refusal(await viaLink('view', { token, workOrderId }))).toMatchObject({ status: 403, code: 'FORBIDDEN', reason: 'subject' });
      expect(refusal(await viaLink('respond', { token, workOrderId, accept: true }, idempotencyKey()))).toMatchObject({ status: 403, code: 'FORBIDDEN', reason: 'subject' });
      expect(refusal(await viaLink('documents', { token, workOrderId, kind: 'ESTIMATE', fileName: 'x.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64') }, idempotencyKey())))
        .toMatchObject({ status: 403, reason: 'subject' });
    }
    // The other tenant's link opens its own work order, never this tenant's.
    expect(refusal(await viaLink('view', { token: foreign.token, workOrderId: a.mine }))).toMatchObject({ status: 403, reason: 'subject' });
    expect((await viaLink('view', { token: foreign.token, workOrderId: b.mine })).body.workOrder.id).toBe(b.mine);

    // Proof cannot borrow another work order's document.
    await ok(asVendor(platform, a.tenant, a.slates), RESPOND, { input: { id: a.theirs, accept: true, idempotencyKey: idempotencyKey() } });
    await ok(asVendor(platform, a.tenant, a.slates), `mutation($input: WorkOrderIdInput!) { startWorkOrder(input: $input) { workOrder { id } } }`, { input: { id: a.theirs, idempotencyKey: idempotencyKey() } });
    const theirDoc = (await ok(asVendor(platform, a.tenant, a.slates), `mutation($input: UploadWorkOrderDocumentInput!) { uploadWorkOrderDocument(input: $input) { document { id } } }`, {
      input: { workOrderId: a.theirs, kind: 'COMPLETION', fileName: 'chimney.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64'), idempotencyKey: idempotencyKey() },
    })).uploadWorkOrderDocument.document.id;
    await viaLink('respond', { token, workOrderId: a.mine, accept: true }, idempotencyKey());
    await viaLink('start', { token, workOrderId: a.mine }, idempotencyKey());
    expect(refusal(await viaLink('complete', { token, workOrderId: a.mine, notes: 'Done', documentIds: [theirDoc] }, idempotencyKey()))).toMatchObject({ status: 404, code: 'NOT_FOUND', field: 'documentIds.0' });
    // Its view lists only its own work order's documents.
    expect((await viaLink('view', { token, workOrderId: a.mine })).body.workOrder.documents).toEqual([]);

    // A forged token, and a work_order_access link identity signed but vendors never issued, open nothing.
    expect(refusal(await viaLink('view', { token: `${token.slice(0, -4)}AAAA`, workOrderId: a.mine }))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', reason: 'invalid' });
    const stray = (await ok(a.manager, IDENTITY_LINK, { input: { purpose: 'work_order_access', subjectId: a.theirs, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), maxUses: 5, idempotencyKey: idempotencyKey() } })).createPublicLink.token;
    expect(refusal(await viaLink('view', { token: stray, workOrderId: a.theirs }))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', reason: 'invalid' });
    // A link for another purpose (a ballot) is not a work-order link.
    const ballot = (await ok(a.manager, IDENTITY_LINK, { input: { purpose: 'vote_ballot', subjectId: a.mine, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), idempotencyKey: idempotencyKey() } })).createPublicLink.token;
    expect(refusal(await viaLink('view', { token: ballot, workOrderId: a.mine }))).toMatchObject({ status: 403, code: 'FORBIDDEN', reason: 'purpose' });

    // Nothing changed on the other vendor's or the other tenant's work order.
    expect((await ok(a.manager, WORK_ORDER, { id: a.theirs })).workOrder).toMatchObject({ status: 'IN_PROGRESS', documents: [{ id: theirDoc }] });
    expect(await counts(b.tenant, b.mine)).toEqual(before.other);
    expect((await counts(a.tenant, a.theirs)).documents).toBe(before.theirs.documents! + 1); // the slater's own upload only
  });

  it('a revoked or expired link is refused with a typed error, wherever it was revoked, and changes nothing', async () => {
    const t = await givenTenant('acme');
    const { token, link } = await issue(t.manager, t.mine);
    expect((await viaLink('view', { token, workOrderId: t.mine })).status).toBe(200);

    const revokeKey = idempotencyKey();
    const revoked = (await ok(t.manager, REVOKE, { input: { linkId: link.id, idempotencyKey: revokeKey } })).revokeWorkOrderLink.link;
    expect(revoked).toMatchObject({ id: link.id, revokedAt: expect.any(String) });
    expect((await ok(t.manager, REVOKE, { input: { linkId: link.id, idempotencyKey: revokeKey } })).revokeWorkOrderLink.link).toEqual(revoked); // replay
    // Revoked at identity too (a link it redeems for no one any more).
    expect((await tenantRows(platform, 'identity', t.tenant, `SELECT revoked_at FROM public_links WHERE id = $1`, [link.id]))[0]!.revoked_at).not.toBeNull();
    const auditBefore = await counts(t.tenant, t.mine);
    for (const [action, body] of [['view', {}], ['respond', { accept: true }], ['start', {}], ['complete', { notes: 'x', documentIds: [] }]] as const) {
      expect(refusal(await viaLink(action, { token, workOrderId: t.mine, ...body }, idempotencyKey()))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', reason: 'revoked' });
    }
    expect((await ok(t.manager, WORK_ORDER, { id: t.mine })).workOrder.status).toBe('OFFERED');
    expect(await counts(t.tenant, t.mine)).toEqual(auditBefore);

    // Revoked directly at identity (not through vendors): identity's redemption refuses it.
    const second = await issue(t.manager, t.mine);
    await ok(t.manager, IDENTITY_REVOKE, { input: { linkId: second.link.id, idempotencyKey: idempotencyKey() } });
    expect(refusal(await viaLink('respond', { token: second.token, workOrderId: t.mine, accept: true }, idempotencyKey()))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', reason: 'revoked' });

    // Expired (vendors' record says so before the token's own exp does).
    const third = await issue(t.manager, t.mine);
    await tenantRows(platform, 'vendors', t.tenant, `UPDATE work_order_links SET expires_at = now() - interval '1 minute' WHERE id = $1`, [third.link.id]);
    expect(refusal(await viaLink('respond', { token: third.token, workOrderId: t.mine, accept: true }, idempotencyKey()))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', reason: 'expired' });

    // Re-offered to another vendor: the first vendor's link no longer acts.
    const fourth = await issue(t.manager, t.mine);
    await ok(asVendor(platform, t.tenant, t.roofers), RESPOND, { input: { id: t.mine, accept: false, reason: 'Fully booked', idempotencyKey: idempotencyKey() } });
    await ok(t.manager, OFFER_WO, { input: { id: t.mine, vendorId: t.slates, idempotencyKey: idempotencyKey() } });
    expect(refusal(await viaLink('view', { token: fourth.token, workOrderId: t.mine }))).toMatchObject({ status: 403, code: 'FORBIDDEN', reason: 'vendor_changed' });
    expect((await ok(t.manager, WORK_ORDER, { id: t.mine })).workOrder).toMatchObject({ status: 'OFFERED', vendor: { id: t.slates } });
  });

  it('issuing and revoking: office staff only, typed errors, tenant-fenced', async () => {
    const t = await givenTenant('acme');
    const other = await givenTenant('globex');
    const requested = (await ok(t.manager, CREATE_WO, { input: { buildingId: t.buildingId, category: 'roofing', title: 'Survey', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id;
    const input = (extra: Record<string, unknown>) => ({ input: { workOrderId: t.mine, idempotencyKey: idempotencyKey(), ...extra } });
    expect(await refused(t.manager, ISSUE, input({ expiresInHours: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expiresInHours' });
    expect(await refused(t.manager, ISSUE, input({ expiresInHours: 721 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expiresInHours' });
    expect(await refused(t.manager, ISSUE, input({ workOrderId: requested }))).toMatchObject({ code: 'CONFLICT', reason: 'NO_VENDOR', field: 'input.workOrderId' });
    expect(await refused(t.manager, ISSUE, input({ workOrderId: other.mine }))).toMatchObject({ code: 'NOT_FOUND', field: 'input.workOrderId' });
    expect(await refused(t.manager, ISSUE, input({ workOrderId: 'nope' }))).toMatchObject({ code: 'NOT_FOUND', field: 'input.workOrderId' });
    // A vendor user cannot mint links (deny by default: the permission is the office's).
    expect(await refused(asVendor(platform, t.tenant, t.roofers), ISSUE, input({}))).toMatchObject({ code: 'FORBIDDEN', permission: 'work-order-links:write' });
    // Another building's manager cannot reach this building's work order.
    const elsewhere = asManager(platform, t.tenant, other.buildingId);
    expect(await refused(elsewhere, ISSUE, input({}))).toMatchObject({ code: 'NOT_FOUND', field: 'input.workOrderId' });
    // Nothing was issued, here or at identity.
    expect(await tenantRows(platform, 'vendors', t.tenant, `SELECT id FROM work_order_links`)).toEqual([]);
    expect(await tenantRows(platform, 'identity', t.tenant, `SELECT id FROM public_links`)).toEqual([]);

    const { link } = await issue(t.manager, t.mine);
    // Another tenant's manager cannot revoke it; an unknown id is NOT_FOUND.
    expect(await refused(other.manager, REVOKE, { input: { linkId: link.id, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.linkId' });
    expect(await refused(t.manager, REVOKE, { input: { linkId: 'nope', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.linkId' });
    expect((await tenantRows(platform, 'vendors', t.tenant, `SELECT revoked_at FROM work_order_links WHERE id = $1`, [link.id]))[0]!.revoked_at).toBeNull();
  });

  it('with the vendor portal off for the tenant, no link is issued and an issued one opens nothing', async () => {
    const t = await givenTenant('acme');
    const { token, link } = await issue(t.manager, t.mine);
    const vendors = platform.services.vendors!.runtime;
    await setTenantFeatureFlag(vendors.ds, { tenantId: t.tenant, flag: 'ENABLE_VENDOR_PORTAL', enabled: false, actor: 'ops' });
    vendors.flags.forget(t.tenant);
    expect(await refused(t.manager, ISSUE, { input: { workOrderId: t.mine, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FEATURE_DISABLED' });
    expect(refusal(await viaLink('view', { token, workOrderId: t.mine }))).toMatchObject({ status: 503, code: 'FEATURE_DISABLED' });
    expect(refusal(await viaLink('respond', { token, workOrderId: t.mine, accept: true }, idempotencyKey()))).toMatchObject({ status: 503, code: 'FEATURE_DISABLED' });
    // Revoking stays open while the portal is off.
    expect((await ok(t.manager, REVOKE, { input: { linkId: link.id, idempotencyKey: idempotencyKey() } })).revokeWorkOrderLink.link.revokedAt).toEqual(expect.any(String));
    expect((await ok(t.manager, WORK_ORDER, { id: t.mine })).workOrder.status).toBe('OFFERED');
  });

  // Last: it stops identity (stop is idempotent; afterAll stops it again harmlessly).
  it('with identity unreachable a link call and an issue answer SERVICE_UNAVAILABLE (retryable), never a 500', async () => {
    const t = await givenTenant('acme');
    const { token } = await issue(t.manager, t.mine);
    expect((await viaLink('view', { token, workOrderId: t.mine })).status).toBe(200); // identity's keys are cached from here on
    await platform.services.identity!.stop();
    expect(refusal(await viaLink('respond', { token, workOrderId: t.mine, accept: true }, idempotencyKey()))).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', reason: 'identity_unreachable' });
    expect(await refused(t.manager, ISSUE, { input: { workOrderId: t.mine, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((await ok(t.manager, WORK_ORDER, { id: t.mine })).workOrder.status).toBe('OFFERED');
    expect(await tenantRows(platform, 'vendors', t.tenant, `SELECT count(*)::int AS n FROM work_order_links`)).toEqual([{ n: 1 }]);
  });
});
