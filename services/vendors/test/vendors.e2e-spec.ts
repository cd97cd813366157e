// vendors through the gateway on real PostgreSQL and the in-process bus, with collections beside it
// (issue 14 items 4–7, NC-404/405/406 vendor side): voting's command → one work order however often
// it arrives → tender → invitations (eligible vendors only) → offers → compare → award → the vendor
// accepts in the portal → completes with proof → the manager verifies → KPIs; vendors fenced from
// each other, tenants from each other, bad input refused on every mutation.
import { createHash, randomUUID } from 'node:crypto';
import { setTenantFeatureFlag, type TransportMessage } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import {
  asManager, asVendor, AWARD, buildRequest, buildVendor, CANCEL_WO, CLOSE, COMPARE, COMPLETE, CREATE_TENDER, CREATE_VENDOR, CREATE_WO, END_TENDER, gbp, givenBuilding, givenVendor,
  idempotencyKey, inDays, INVITE, KPIS, OFFER_WO, ok, PDF, PUBLISH, publishWorkOrderRequest, RECORD_CREDENTIAL, refused, RESPOND, START, SUBMIT_OFFER, TENDER, tenantName, tenantRows,
  UPDATE_VENDOR, UPLOAD, VERIFY, WORK_ORDER, WORK_ORDERS,
} from './support';

let platform: TestPlatform;
const created: TransportMessage[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections', 'vendors'] });
  await platform.transports[0]!.subscribe('vendors-e2e.watch', ['vendors.work-order'], async (m) => void created.push(m));
}, 180_000);
afterAll(async () => platform?.stop());

const metric = async (kind: string) => {
  const text = await (await fetch(platform.services.vendors!.url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(new RegExp(`^vendor_sla_breaches_total\\{[^}]*kind="${kind}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
};
const upload = (as: ReturnType<TestPlatform['as']>, workOrderId: string, kind = 'COMPLETION', extra: Record<string, unknown> = {}) =>
  as(UPLOAD, { input: { workOrderId, kind, fileName: 'roof-after.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64'), idempotencyKey: idempotencyKey(), ...extra } });

describe('NC-406 vote → work order → tender → award → portal → verification → KPIs', () => {
  it('runs the whole story once, whatever is redelivered, with audit and trace ids', async () => {
    const tenant = tenantName('acme');
    const admin = platform.as(tenant);
    const buildingId = await givenBuilding(platform, tenant, admin);
    const manager = asManager(platform, tenant, buildingId);
    const roofers = await givenVendor(manager, [buildingId], { name: 'Roofers & Co' });
    const slates = await givenVendor(manager, [buildingId], { name: 'Slates Ltd' });
    const lapsed = await givenVendor(manager, [buildingId], { name: 'Lapsed Roofing' }, { expiresOn: inDays(-1) });

    // voting's command, published three times: twice under one event id (a redelivery), once more under another.
    const request = buildRequest(buildingId);
    const eventId = await publishWorkOrderRequest(platform, tenant, request);
    await publishWorkOrderRequest(platform, tenant, request, eventId);
    await publishWorkOrderRequest(platform, tenant, request);
    await eventually(async () => (await tenantRows(platform, 'vendors', tenant, `SELECT count(*)::int AS n FROM inbox WHERE consumer = 'vendors.work-orders'`))[0]!.n === 2);
    const orders = await tenantRows(platform, 'vendors', tenant, `SELECT id FROM work_orders WHERE request_id = $1`, [request.requestId]);
    expect(orders).toHaveLength(1);
    const workOrderId = orders[0]!.id as string;
    // Answered once, on the agreed contract, carrying the request id.
    await eventually(async () => created.some((m) => m.headers.ce_tenantid === tenant));
    const answers = created.filter((m) => m.headers.ce_tenantid === tenant).map((m) => JSON.parse(m.value as string));
    expect(answers).toEqual([{ workOrderId, requestId: request.requestId, buildingId, category: 'roofing', status: 'requested', createdAt: expect.any(String) }]);

    const wo = (await ok(manager, WORK_ORDER, { id: workOrderId })).workOrder;
    expect(wo).toMatchObject({ status: 'REQUESTED', requestId: request.requestId, voteId: request.voteId, budget: gbp(1_200_000), responseHours: 48, completionDays: 30, vendor: null });

    // Tender: invitations only to eligible vendors (the lapsed insurance refuses the whole call).
    const tender = (await ok(manager, CREATE_TENDER, { input: { workOrderId, idempotencyKey: idempotencyKey() } })).createTender.tender;
    expect(tender).toMatchObject({ status: 'PLANNED', category: 'roofing', currency: 'GBP', buildingId, invitedVendorIds: [] });
    expect(await refused(manager, INVITE, { input: { tenderId: tender.id, vendorIds: [roofers, lapsed], idempotencyKey: idempotencyKey() } }))
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.vendorIds.1', reason: 'NOT_ELIGIBLE', reasons: ['CREDENTIALS_EXPIRED'] });
    expect((await ok(manager, TENDER, { id: tender.id })).tender.invitedVendorIds).toEqual([]);
    // Offers are refused before publication.
    const roofer = asVendor(platform, tenant, roofers);
    const slater = asVendor(platform, tenant, slates);
    await ok(manager, INVITE, { input: { tenderId: tender.id, vendorIds: [roofers, slates], idempotencyKey: idempotencyKey() } });
    const offer = (vendorId: string, amountMinor: number, durationDays: number) => ({ tenderId: tender.id, vendorId, price: gbp(amountMinor), durationDays, validUntil: inDays(30), idempotencyKey: idempotencyKey() });
    expect(await refused(roofer, SUBMIT_OFFER, { input: offer(roofers, 1_000_000, 10) })).toMatchObject({ code: 'CONFLICT', reason: 'TENDER_NOT_ACTIVE' });
    expect((await ok(manager, PUBLISH, { input: { id: tender.id, idempotencyKey: idempotencyKey() } })).publishTender.tender.status).toBe('ACTIVE');

    // The vendors offer through the portal; each sees the tender and only its own offer.
    const a = (await ok(roofer, SUBMIT_OFFER, { input: offer(roofers, 1_000_000, 10) })).submitTenderOffer.offer;
    const b = (await ok(slater, SUBMIT_OFFER, { input: offer(slates, 900_000, 20) })).submitTenderOffer.offer;
    expect(await refused(slater, SUBMIT_OFFER, { input: offer(slates, 800_000, 20) })).toMatchObject({ code: 'CONFLICT', reason: 'OFFER_EXISTS' });
    expect((await ok(roofer, TENDER, { id: tender.id })).tender.offers.map((o: any) => o.id)).toEqual([a.id]);
    expect((await ok(slater, TENDER, { id: tender.id })).tender.offers.map((o: any) => o.id)).toEqual([b.id]);

    // Compare: no history yet (vendor part 50): a = 0.5×0.9 + 0.15 + 0.2×1 = 80; b = 0.5 + 0.15 + 0.1 = 75.
    const compared = (await ok(manager, COMPARE, { id: tender.id })).compareOffers;
    expect(compared.map((c: any) => [c.offer.id, c.rank, c.score, c.eligible, c.credentialStatus, c.vendorScore])).toEqual([[a.id, 1, 80, true, 'APPROVED', null], [b.id, 2, 75, true, 'APPROVED', null]]);

    // Award → the work order is offered to the winner at its price and duration.
    const awarded = (await ok(manager, AWARD, { input: { tenderId: tender.id, offerId: a.id, idempotencyKey: idempotencyKey() } })).awardTender;
    expect(awarded.tender).toMatchObject({ status: 'COMPLETE', awardedOfferId: a.id });
    expect(awarded.tender.offers.map((o: any) => [o.id, o.status])).toEqual([[a.id, 'AWARDED'], [b.id, 'NOT_AWARDED']]);
    expect(awarded.workOrder).toMatchObject({ status: 'OFFERED', vendor: { id: roofers, name: 'Roofers & Co' }, agreedPrice: gbp(1_000_000), completionDays: 10, tenderId: tender.id, responseHours: 48 });

    // The losing vendor no longer sees the work, and cannot act on it.
    expect((await ok(slater, WORK_ORDER, { id: workOrderId })).workOrder).toBeNull();
    expect(await refused(slater, RESPOND, { input: { id: workOrderId, accept: true, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });

    // Portal: accept, start, upload proof (checksummed), complete with the invoice.
    const accept = { id: workOrderId, accept: true, idempotencyKey: idempotencyKey() };
    expect((await ok(roofer, RESPOND, { input: accept })).respondToWorkOrder.workOrder.status).toBe('ACCEPTED');
    expect((await ok(roofer, RESPOND, { input: accept })).respondToWorkOrder.workOrder.status).toBe('ACCEPTED'); // replay
    expect(await refused(roofer, RESPOND, { input: { ...accept, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', from: 'accepted', to: 'accepted' });
    expect((await upload(roofer, workOrderId)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'WRONG_STATUS' }); // proof only while in progress
    await ok(roofer, START, { input: { id: workOrderId, idempotencyKey: idempotencyKey() } });
    const sha = createHash('sha256').update(PDF).digest('hex');
    const doc = (await ok(roofer, UPLOAD, { input: { workOrderId, kind: 'COMPLETION', fileName: 'roof-after.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64'), sha256: sha, idempotencyKey: idempotencyKey() } })).uploadWorkOrderDocument.document;
    expect(doc).toMatchObject({ kind: 'COMPLETION', sizeBytes: PDF.length, sha256: sha, contentBase64: PDF.toString('base64') });
    const done = (await ok(roofer, COMPLETE, { input: { id: workOrderId, notes: 'New membrane laid, gutters cleared', documentIds: [doc.id], invoice: gbp(1_100_000), idempotencyKey: idempotencyKey() } })).completeWorkOrder.workOrder;
    expect(done).toMatchObject({ status: 'COMPLETED', invoice: gbp(1_100_000), completionNotes: 'New membrane laid, gutters cleared', documents: [{ id: doc.id, sha256: sha }] });
    // A vendor cannot verify its own work.
    expect(await refused(roofer, VERIFY, { input: { id: workOrderId, rating: 5, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN', permission: 'work-orders:verify' });

    // The manager verifies and closes; the KPIs follow.
    expect((await ok(manager, VERIFY, { input: { id: workOrderId, rating: 4, notes: 'Tidy job', idempotencyKey: idempotencyKey() } })).verifyWorkOrder.workOrder).toMatchObject({ status: 'VERIFIED', rating: 4 });
    expect((await ok(manager, CLOSE, { input: { id: workOrderId, idempotencyKey: idempotencyKey() } })).closeWorkOrder.workOrder.status).toBe('CLOSED');
    const [kpi] = (await ok(manager, KPIS, { ids: [roofers] })).vendorKpis;
    // response within SLA 1, on time 1, overrun 10 % → 0.9, rating 4 → 0.75: 100 × (0.3 + 0.3 + 0.18 + 0.15) = 93
    expect(kpi).toMatchObject({ vendorId: roofers, workOrders: 1, accepted: 1, responseWithinSlaRate: 1, completed: 1, onTimeRate: 1, avgCostOverrun: 0.1, avgRating: 4, verified: 1, score: 93, preferredTrades: [] });
    expect(kpi.avgResponseHours).toBeGreaterThanOrEqual(0);
    // The vendor reads its own card, not another's.
    expect((await ok(roofer, KPIS, { ids: [roofers, slates] })).vendorKpis.map((k: any) => k.vendorId)).toEqual([roofers]);

    // Still one work order for the request, and an audit trail with trace ids.
    expect(await tenantRows(platform, 'vendors', tenant, `SELECT id FROM work_orders`)).toHaveLength(1);
    const audit = await tenantRows(platform, 'vendors', tenant, `SELECT action, trace_id FROM audit_events WHERE entity_type IN ('work-order', 'tender') ORDER BY id`);
    expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['work-order.requested', 'tender.planned', 'tender.invited', 'tender.active', 'tender.offer-submitted', 'work-order.offered', 'tender.complete',
      'work-order.accepted', 'work-order.in_progress', 'work-order.document-uploaded', 'work-order.completed', 'work-order.verified', 'work-order.closed']));
    expect(audit.filter((x) => !x.trace_id)).toEqual([]);
  });

  it('NC-406 counts SLA breaches (late answer, late completion) and a vendor with two good verified jobs becomes preferred', async () => {
    const tenant = tenantName('acme');
    const admin = platform.as(tenant);
    const buildingId = await givenBuilding(platform, tenant, admin);
    const v = await givenVendor(admin, [buildingId], { trades: ['plumbing'] }, { status: 'EXEMPT', expiresOn: null });
    const vendor = asVendor(platform, tenant, v);
    const [response0, completion0] = [await metric('response'), await metric('completion')];
    expect(response0).toBeGreaterThanOrEqual(0);

    for (const late of [true, false]) {
      const id = (await ok(admin, CREATE_WO, { input: { buildingId, category: 'plumbing', title: 'Fix the riser', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id;
      await ok(admin, OFFER_WO, { input: { id, vendorId: v, price: gbp(50_000), idempotencyKey: idempotencyKey() } });
      if (late) await tenantRows(platform, 'vendors', tenant, `UPDATE work_orders SET response_due_at = now() - interval '1 hour' WHERE id = $1`, [id]);
      await ok(vendor, RESPOND, { input: { id, accept: true, idempotencyKey: idempotencyKey() } });
      await ok(vendor, START, { input: { id, idempotencyKey: idempotencyKey() } });
      if (late) await tenantRows(platform, 'vendors', tenant, `UPDATE work_orders SET completion_due_at = now() - interval '1 hour' WHERE id = $1`, [id]);
      const doc = (await ok(vendor, UPLOAD, { input: { workOrderId: id, kind: 'COMPLETION', fileName: 'done.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64'), idempotencyKey: idempotencyKey() } })).uploadWorkOrderDocument.document;
      await ok(vendor, COMPLETE, { input: { id, notes: 'Done', documentIds: [doc.id], invoice: gbp(50_000), idempotencyKey: idempotencyKey() } });
      await ok(admin, VERIFY, { input: { id, rating: 5, idempotencyKey: idempotencyKey() } });
    }
    expect(await metric('response')).toBe(response0 + 1);
    expect(await metric('completion')).toBe(completion0 + 1);
    // The late flags were on the work orders, not on the facts: 1 of 2 answered in time, 1 of 2 on time.
    await tenantRows(platform, 'vendors', tenant, `UPDATE vendor_kpi_facts f SET response_due_at = w.response_due_at, completion_due_at = w.completion_due_at FROM work_orders w WHERE w.id = f.work_order_id`);
    const [k] = (await ok(vendor, KPIS, { ids: [v] })).vendorKpis;
    // 100 × (0.3×0.5 + 0.3×0.5 + 0.2×1 + 0.2×1) = 70: exactly the preferred threshold, with 2 verified jobs.
    expect(k).toMatchObject({ responseWithinSlaRate: 0.5, onTimeRate: 0.5, avgCostOverrun: 0, avgRating: 5, verified: 2, score: 70, preferredTrades: ['plumbing'] });
    expect((await ok(admin, `{ preferredVendors(trade: "plumbing") { trade score vendor { id } } }`)).preferredVendors).toEqual([{ trade: 'plumbing', score: 70, vendor: { id: v } }]);
  });
});

describe('NC-405/406 fences: vendors, buildings, tenants', () => {
  it('a vendor never sees or touches another vendor’s work, offers, documents or profile', async () => {
    const tenant = tenantName('acme');
    const admin = platform.as(tenant);
    const buildingId = await givenBuilding(platform, tenant, admin);
    const mine = await givenVendor(admin, [buildingId], { name: 'Mine' });
    const theirs = await givenVendor(admin, [buildingId], { name: 'Theirs' });
    const id = (await ok(admin, CREATE_WO, { input: { buildingId, category: 'roofing', title: 'Patch', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id;
    await ok(admin, OFFER_WO, { input: { id, vendorId: theirs, idempotencyKey: idempotencyKey() } });
    const tender = (await ok(admin, CREATE_TENDER, { input: { workOrderId: (await ok(admin, CREATE_WO, { input: { buildingId, category: 'roofing', title: 'Gutters', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id, idempotencyKey: idempotencyKey() } })).createTender.tender;
    await ok(admin, INVITE, { input: { tenderId: tender.id, vendorIds: [theirs], idempotencyKey: idempotencyKey() } });
    await ok(admin, PUBLISH, { input: { id: tender.id, idempotencyKey: idempotencyKey() } });

    const me = asVendor(platform, tenant, mine);
    expect((await ok(me, WORK_ORDERS)).workOrders.edges).toEqual([]);
    expect((await ok(me, WORK_ORDER, { id })).workOrder).toBeNull();
    expect((await ok(me, `query($id: ID!) { vendor(id: $id) { id } }`, { id: theirs })).vendor).toBeNull();
    expect((await ok(me, `{ vendors(first: 10) { edges { node { id } } } }`)).vendors.edges.map((e: any) => e.node.id)).toEqual([mine]);
    expect((await ok(me, TENDER, { id: tender.id })).tender).toBeNull(); // not invited
    expect(await refused(me, RESPOND, { input: { id, accept: true, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await upload(me, id, 'ESTIMATE')).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.workOrderId' });
    // Offering in another vendor's name, or on a tender it was not invited to, is refused.
    const input = { tenderId: tender.id, vendorId: theirs, price: gbp(100), durationDays: 1, validUntil: inDays(5), idempotencyKey: idempotencyKey() };
    expect(await refused(me, SUBMIT_OFFER, { input })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(me, SUBMIT_OFFER, { input: { ...input, vendorId: mine, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.tenderId' });
    // A vendor role has no staff operations at all.
    expect(await refused(me, CREATE_WO, { input: { buildingId, category: 'roofing', title: 'x', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN', permission: 'work-orders:write' });
    expect(await refused(me, `query($id: ID!) { compareOffers(tenderId: $id) { rank } }`, { id: tender.id })).toMatchObject({ code: 'FORBIDDEN' });
    // Nothing was written by any of it.
    expect(await tenantRows(platform, 'vendors', tenant, `SELECT id FROM tender_offers`)).toEqual([]);
    expect(await tenantRows(platform, 'vendors', tenant, `SELECT id FROM work_order_documents`)).toEqual([]);

    // Their own user sees exactly their work.
    const them = asVendor(platform, tenant, theirs);
    expect((await ok(them, WORK_ORDERS)).workOrders.edges.map((e: any) => e.node.id)).toEqual([id]);
  });

  it('a building manager sees only its buildings’ work and vendors; the portal is off for a tenant that turned it off', async () => {
    const tenant = tenantName('acme');
    const admin = platform.as(tenant);
    const [b1, b2] = [await givenBuilding(platform, tenant, admin), await givenBuilding(platform, tenant, admin)];
    const v2 = await givenVendor(admin, [b2]);
    const id2 = (await ok(admin, CREATE_WO, { input: { buildingId: b2, category: 'roofing', title: 'Elsewhere', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id;
    const m1 = asManager(platform, tenant, b1);
    expect((await ok(m1, WORK_ORDER, { id: id2 })).workOrder).toBeNull();
    expect((await ok(m1, `query($id: ID!) { vendor(id: $id) { id } }`, { id: v2 })).vendor).toBeNull();
    expect(await refused(m1, CREATE_WO, { input: { buildingId: b2, category: 'roofing', title: 'x', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
    expect(await refused(m1, CREATE_VENDOR, { input: buildVendor([b2]) })).toMatchObject({ code: 'FORBIDDEN' });

    const off = tenantName('off');
    await setTenantFeatureFlag(platform.services.vendors!.runtime.ds, { tenantId: off, flag: 'ENABLE_VENDOR_PORTAL', enabled: false, actor: 'ops' });
    const vendorUser = asVendor(platform, off, randomUUID());
    expect(await refused(vendorUser, WORK_ORDERS)).toMatchObject({ code: 'FEATURE_DISABLED' });
    expect(await refused(vendorUser, RESPOND, { input: { id: randomUUID(), accept: true, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FEATURE_DISABLED' });
    expect((await ok(platform.as(off), `{ vendorPortalEnabled workOrders(first: 1) { edges { node { id } } } }`)).vendorPortalEnabled).toBe(false);
  });

  it('does not return another tenant’s vendor, work order or tender', async () => {
    const acme = tenantName('acme');
    const admin = platform.as(acme);
    const buildingId = await givenBuilding(platform, acme, admin);
    const v = await givenVendor(admin, [buildingId]);
    const id = (await ok(admin, CREATE_WO, { input: { buildingId, category: 'roofing', title: 'Private', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id;
    const t = (await ok(admin, CREATE_TENDER, { input: { workOrderId: id, idempotencyKey: idempotencyKey() } })).createTender.tender.id;
    const bravo = platform.as(tenantName('bravo'));
    expect(await ok(bravo, `query($v: ID!, $w: ID!, $t: ID!) { vendor(id: $v) { id } workOrder(id: $w) { id } tender(id: $t) { id } }`, { v, w: id, t })).toEqual({ vendor: null, workOrder: null, tender: null });
    expect(await ok(bravo, `{ vendors(first: 5) { edges { node { id } } } workOrders(first: 5) { edges { node { id } } } tenders(first: 5) { edges { node { id } } } }`))
      .toEqual({ vendors: { edges: [] }, workOrders: { edges: [] }, tenders: { edges: [] } });
    expect(await refused(bravo, OFFER_WO, { input: { id, vendorId: v, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('bad input', () => {
  it('is refused on every mutation with a typed error naming the field, writing nothing', async () => {
    const tenant = tenantName('acme');
    const admin = platform.as(tenant);
    const buildingId = await givenBuilding(platform, tenant, admin);
    const v = await givenVendor(admin, [buildingId]);
    const wo = (await ok(admin, CREATE_WO, { input: { buildingId, category: 'roofing', title: 'Roof', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id;
    const tender = (await ok(admin, CREATE_TENDER, { input: { workOrderId: wo, idempotencyKey: idempotencyKey() } })).createTender.tender.id;
    const k = () => idempotencyKey();
    const before = await tenantRows(platform, 'vendors', tenant, `SELECT (SELECT count(*) FROM vendors) v, (SELECT count(*) FROM work_orders) w, (SELECT count(*) FROM tenders) t, (SELECT count(*) FROM tender_offers) o, (SELECT count(*) FROM work_order_documents) d, (SELECT count(*) FROM audit_events) a`);
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      [CREATE_VENDOR, buildVendor([buildingId], { trades: ['Roofing'] }), { code: 'BAD_USER_INPUT', field: 'input.trades.0' }],
      [CREATE_VENDOR, buildVendor([buildingId], { sla: { responseHours: 0, completionDays: 1 } }), { code: 'BAD_USER_INPUT', field: 'input.sla.responseHours' }],
      [CREATE_VENDOR, buildVendor(['nope']), { code: 'BAD_USER_INPUT', field: 'input.buildingIds.0' }],
      [CREATE_VENDOR, buildVendor([buildingId], { email: 'not-an-email' }), { code: 'BAD_USER_INPUT', field: 'input.email' }],
      [UPDATE_VENDOR, { id: v, name: '  ', idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.name' }],
      [UPDATE_VENDOR, { id: randomUUID(), idempotencyKey: k() }, { code: 'NOT_FOUND', field: 'input.id' }],
      [RECORD_CREDENTIAL, { vendorId: v, kind: 'insurance', status: 'EXPIRED', idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.status' }],
      [RECORD_CREDENTIAL, { vendorId: v, kind: 'Bad Kind', status: 'APPROVED', idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.kind' }],
      [CREATE_WO, { buildingId, category: 'roofing', title: '', idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.title' }],
      [CREATE_WO, { buildingId, category: 'roofing', title: 'x', budget: { amountMinor: 10, currency: 'EUR' }, idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.budget.currency' }],
      [CREATE_WO, { buildingId, category: 'roofing', title: 'x', completionDays: 0, idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.completionDays' }],
      [OFFER_WO, { id: wo, vendorId: v, price: { amountMinor: -5, currency: 'GBP' }, idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.price.amountMinor' }],
      [RESPOND, { id: wo, accept: false, idempotencyKey: k() }, { code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', from: 'requested', to: 'declined' }],
      [START, { id: wo, idempotencyKey: k() }, { code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', from: 'requested', to: 'in_progress' }],
      [UPLOAD, { workOrderId: wo, kind: 'ESTIMATE', fileName: 'x.exe', contentType: 'application/x-msdownload', contentBase64: 'AAAA', idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.contentType' }],
      [UPLOAD, { workOrderId: wo, kind: 'ESTIMATE', fileName: 'x.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('GIF89a').toString('base64'), idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.contentType', reason: 'TYPE_MISMATCH' }],
      [UPLOAD, { workOrderId: wo, kind: 'ESTIMATE', fileName: 'x.pdf', contentType: 'application/pdf', contentBase64: Buffer.concat([PDF, Buffer.alloc(600_000)]).toString('base64'), idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.contentBase64', reason: 'TOO_LARGE' }],
      [UPLOAD, { workOrderId: wo, kind: 'ESTIMATE', fileName: 'x.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64'), sha256: '0'.repeat(64), idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.sha256', reason: 'CHECKSUM_MISMATCH' }],
      [UPLOAD, { workOrderId: wo, kind: 'ESTIMATE', fileName: '../etc/passwd', contentType: 'application/pdf', contentBase64: PDF.toString('base64'), idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.fileName' }],
      [COMPLETE, { id: wo, notes: 'x', documentIds: [], idempotencyKey: k() }, { code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION' }],
      [VERIFY, { id: wo, rating: 6, idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.rating' }],
      [CLOSE, { id: wo, idempotencyKey: k() }, { code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', from: 'requested', to: 'closed' }],
      [CANCEL_WO, { id: wo, reason: ' ', idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.reason' }],
      [CREATE_TENDER, { workOrderId: wo, idempotencyKey: k() }, { code: 'CONFLICT', reason: 'TENDER_OPEN' }],
      [INVITE, { tenderId: tender, vendorIds: ['x'], idempotencyKey: k() }, { code: 'NOT_FOUND', field: 'input.vendorIds.0' }],
      [PUBLISH, { id: tender, idempotencyKey: k() }, { code: 'CONFLICT', reason: 'NO_INVITATIONS' }],
      [SUBMIT_OFFER, { tenderId: tender, vendorId: v, price: gbp(100), durationDays: 0, validUntil: inDays(3), idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.durationDays' }],
      [SUBMIT_OFFER, { tenderId: tender, vendorId: v, price: gbp(100), durationDays: 3, validUntil: inDays(-1), idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.validUntil' }],
      [AWARD, { tenderId: tender, offerId: randomUUID(), idempotencyKey: k() }, { code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', from: 'planned', to: 'complete' }],
      [END_TENDER, { id: tender, status: 'COMPLETE', idempotencyKey: k() }, { code: 'BAD_USER_INPUT', field: 'input.status' }],
    ];
    for (const [query, input, want] of cases) {
      const r = await admin(query, { input });
      const label = `${query.slice(9, 40)} ${JSON.stringify(input).slice(0, 160)}`;
      expect({ label, error: r.errors?.[0]?.extensions }).toEqual({ label, error: expect.objectContaining(want) });
    }
    const after = await tenantRows(platform, 'vendors', tenant, `SELECT (SELECT count(*) FROM vendors) v, (SELECT count(*) FROM work_orders) w, (SELECT count(*) FROM tenders) t, (SELECT count(*) FROM tender_offers) o, (SELECT count(*) FROM work_order_documents) d, (SELECT count(*) FROM audit_events) a`);
    expect(after).toEqual(before);
    expect((await ok(admin, WORK_ORDER, { id: wo })).workOrder.status).toBe('REQUESTED');
  });
});
