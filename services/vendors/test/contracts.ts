// What the supergraph-wide contract tests (test/contracts/) need from vendors: a valid input for each
// of its mutations (idempotent replay, tenant isolation), set up through the gateway.
import type { SampleContext, ServiceContracts } from '@commonhold/testing/src/contracts';
import { buildVendor, CREATE_TENDER, CREATE_WO, gbp, givenBuilding, givenVendor, idempotencyKey, INVITE, ok, PDF, PUBLISH } from './support';

async function building(ctx: SampleContext) {
  return givenBuilding(ctx.platform, ctx.tenant, ctx.as);
}
async function workOrder(ctx: SampleContext, buildingId?: string): Promise<{ buildingId: string; id: string }> {
  const b = buildingId ?? (await building(ctx));
  return { buildingId: b, id: (await ok(ctx.as, CREATE_WO, { input: { buildingId: b, category: 'roofing', title: 'Roof', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id };
}
async function tender(ctx: SampleContext, publish: boolean) {
  const w = await workOrder(ctx);
  const vendorId = await givenVendor(ctx.as, [w.buildingId]);
  const id = (await ok(ctx.as, CREATE_TENDER, { input: { workOrderId: w.id, idempotencyKey: idempotencyKey() } })).createTender.tender.id;
  if (publish) {
    await ok(ctx.as, INVITE, { input: { tenderId: id, vendorIds: [vendorId], idempotencyKey: idempotencyKey() } });
    await ok(ctx.as, PUBLISH, { input: { id, idempotencyKey: idempotencyKey() } });
  }
  return { id, vendorId, workOrderId: w.id };
}
async function offered(ctx: SampleContext): Promise<string> {
  const w = await workOrder(ctx);
  await ok(ctx.as, `mutation($input: OfferWorkOrderInput!) { offerWorkOrder(input: $input) { workOrder { id } } }`, { input: { id: w.id, vendorId: await givenVendor(ctx.as, [w.buildingId]), idempotencyKey: idempotencyKey() } });
  return w.id;
}
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const LATER = 'its answer is the work order in its live state (a later transition answers the same key with the newer state); replay without a second effect is proven in services/vendors/test/vendors.e2e-spec.ts';

export const contracts: ServiceContracts = {
  samples: {
    createVendor: async (ctx, key) => ({ ...buildVendor([await building(ctx)]), idempotencyKey: key }),
    updateVendor: async (ctx, key) => ({ id: await givenVendor(ctx.as, [await building(ctx)]), name: 'Renamed Roofing', idempotencyKey: key }),
    recordVendorCredential: async (ctx, key) => ({ vendorId: await givenVendor(ctx.as, [await building(ctx)]), kind: 'gas-safe', status: 'PENDING', idempotencyKey: key }),
    createWorkOrder: async (ctx, key) => ({ buildingId: await building(ctx), category: 'roofing', title: 'Roof', budget: gbp(100_000), idempotencyKey: key }),
    offerWorkOrder: async (ctx, key) => {
      const w = await workOrder(ctx);
      return { id: w.id, vendorId: await givenVendor(ctx.as, [w.buildingId]), price: gbp(50_000), idempotencyKey: key };
    },
    cancelWorkOrder: async (ctx, key) => ({ id: (await workOrder(ctx)).id, reason: 'No longer needed', idempotencyKey: key }),
    uploadWorkOrderDocument: async (ctx, key) => {
      const w = await workOrder(ctx);
      await ok(ctx.as, `mutation($input: OfferWorkOrderInput!) { offerWorkOrder(input: $input) { workOrder { id } } }`, { input: { id: w.id, vendorId: await givenVendor(ctx.as, [w.buildingId]), idempotencyKey: idempotencyKey() } });
      return { workOrderId: w.id, kind: 'ESTIMATE', fileName: 'estimate.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64'), idempotencyKey: key };
    },
    issueWorkOrderLink: async (ctx, key) => ({ workOrderId: await offered(ctx), expiresInHours: 24, idempotencyKey: key }),
    revokeWorkOrderLink: async (ctx, key) => {
      const link = (await ok(ctx.as, `mutation($input: IssueWorkOrderLinkInput!) { issueWorkOrderLink(input: $input) { link { id } } }`, { input: { workOrderId: await offered(ctx), idempotencyKey: idempotencyKey() } })).issueWorkOrderLink.link;
      return { linkId: link.id, idempotencyKey: key };
    },
    createTender: async (ctx, key) => ({ workOrderId: (await workOrder(ctx)).id, idempotencyKey: key }),
    inviteTenderVendors: async (ctx, key) => {
      const t = await tender(ctx, false);
      return { tenderId: t.id, vendorIds: [t.vendorId], idempotencyKey: key };
    },
    publishTender: async (ctx, key) => {
      const t = await tender(ctx, false);
      await ok(ctx.as, INVITE, { input: { tenderId: t.id, vendorIds: [t.vendorId], idempotencyKey: idempotencyKey() } });
      return { id: t.id, idempotencyKey: key };
    },
    submitTenderOffer: async (ctx, key) => {
      const t = await tender(ctx, true);
      return { tenderId: t.id, vendorId: t.vendorId, price: gbp(90_000), durationDays: 5, validUntil: inDays(30), idempotencyKey: key };
    },
    endTender: async (ctx, key) => ({ id: (await tender(ctx, false)).id, status: 'CANCELLED', idempotencyKey: key }),
  },
  notReplayed: {
    awardTender: LATER,
    respondToWorkOrder: LATER,
    startWorkOrder: LATER,
    completeWorkOrder: LATER,
    verifyWorkOrder: LATER,
    closeWorkOrder: LATER,
  },
};
