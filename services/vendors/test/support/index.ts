// Shared support for vendors' tests: a building in collections projected into vendors, vendors with
// credentials, voting's command published on the bus, and the GraphQL operations the specs use.
import { randomUUID } from 'node:crypto';
import { toTransportMessage } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import type { TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey, ok, tenantRows, type As } from '@commonhold/testing/src/support';

export { idempotencyKey, ok, refused, tenantName, tenantRows, type As } from '@commonhold/testing/src/support';

export const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
export const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
/** A tiny but real PDF (the upload checks the magic bytes). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

export const VENDOR_FIELDS = `id name trades buildingIds active sla { responseHours completionDays } credentialStatus preferredTrades
  credentials { kind status recordedStatus expiresOn }`;
export const WO_FIELDS = `id status buildingId category title requestId voteId tenderId responseHours completionDays
  budget { amountMinor currency } agreedPrice { amountMinor currency } invoice { amountMinor currency } rating
  offeredAt responseDueAt acceptedAt completionDueAt completedAt verifiedAt closedAt completionNotes
  vendor { id name } documents { id kind fileName contentType sizeBytes sha256 }`;
export const TENDER_FIELDS = `id status workOrderId buildingId category currency invitedVendorIds awardedOfferId
  offers { id vendorId price { amountMinor currency } durationDays validUntil status }`;

export const CREATE_VENDOR = `mutation($input: CreateVendorInput!) { createVendor(input: $input) { vendor { ${VENDOR_FIELDS} } } }`;
export const UPDATE_VENDOR = `mutation($input: UpdateVendorInput!) { updateVendor(input: $input) { vendor { ${VENDOR_FIELDS} } } }`;
export const RECORD_CREDENTIAL = `mutation($input: RecordVendorCredentialInput!) { recordVendorCredential(input: $input) { vendor { ${VENDOR_FIELDS} } } }`;
export const CREATE_WO = `mutation($input: CreateWorkOrderInput!) { createWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const OFFER_WO = `mutation($input: OfferWorkOrderInput!) { offerWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const RESPOND = `mutation($input: RespondToWorkOrderInput!) { respondToWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const START = `mutation($input: WorkOrderIdInput!) { startWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const UPLOAD = `mutation($input: UploadWorkOrderDocumentInput!) { uploadWorkOrderDocument(input: $input) { document { id kind fileName contentType sizeBytes sha256 contentBase64 } } }`;
export const COMPLETE = `mutation($input: CompleteWorkOrderInput!) { completeWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const VERIFY = `mutation($input: VerifyWorkOrderInput!) { verifyWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const CLOSE = `mutation($input: WorkOrderIdInput!) { closeWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const CANCEL_WO = `mutation($input: CancelWorkOrderInput!) { cancelWorkOrder(input: $input) { workOrder { ${WO_FIELDS} } } }`;
export const CREATE_TENDER = `mutation($input: CreateTenderInput!) { createTender(input: $input) { tender { ${TENDER_FIELDS} } } }`;
export const INVITE = `mutation($input: InviteTenderVendorsInput!) { inviteTenderVendors(input: $input) { tender { ${TENDER_FIELDS} } } }`;
export const PUBLISH = `mutation($input: TenderIdInput!) { publishTender(input: $input) { tender { ${TENDER_FIELDS} } } }`;
export const SUBMIT_OFFER = `mutation($input: SubmitTenderOfferInput!) { submitTenderOffer(input: $input) { offer { id vendorId price { amountMinor currency } durationDays validUntil status } } }`;
export const AWARD = `mutation($input: AwardTenderInput!) { awardTender(input: $input) { tender { ${TENDER_FIELDS} } workOrder { ${WO_FIELDS} } } }`;
export const END_TENDER = `mutation($input: EndTenderInput!) { endTender(input: $input) { tender { id status } } }`;
export const WORK_ORDER = `query($id: ID!) { workOrder(id: $id) { ${WO_FIELDS} } }`;
export const WORK_ORDERS = `{ workOrders(first: 50) { edges { node { id status vendor { id } } } } }`;
export const TENDER = `query($id: ID!) { tender(id: $id) { ${TENDER_FIELDS} } }`;
export const COMPARE = `query($id: ID!) { compareOffers(tenderId: $id) { rank score priceScore durationScore vendorScore eligible ineligibleReasons credentialStatus expired vendorName
  offer { id vendorId price { amountMinor } durationDays } } }`;
export const KPIS = `query($ids: [ID!]!) { vendorKpis(vendorIds: $ids) { vendorId workOrders accepted avgResponseHours responseWithinSlaRate completed onTimeRate avgCostOverrun avgRating verified score preferredTrades } }`;

/** A building created in collections through the gateway, once vendors has projected it. */
export async function givenBuilding(platform: TestPlatform, tenant: string, as: As): Promise<string> {
  const id = (await ok(as, `mutation($input: CreateBuildingInput!) { createBuilding(input: $input) { building { id } } }`, {
    input: { name: 'Harbour House', address: { line1: '1 Quay Street', city: 'Bristol', postcode: 'BS1 4DJ' }, idempotencyKey: idempotencyKey() },
  })).createBuilding.building.id as string;
  await eventually(async () => (await tenantRows(platform, 'vendors', tenant, `SELECT 1 FROM directory_buildings WHERE id = $1`, [id])).length === 1);
  return id;
}

/** `createVendor` input; `overrides` replace any field. */
export const buildVendor = (buildingIds: string[], overrides: Record<string, unknown> = {}) => ({
  name: 'Acme Roofing Ltd', email: 'jobs@acme-roofing.example', trades: ['roofing'], buildingIds, sla: { responseHours: 24, completionDays: 10 }, idempotencyKey: idempotencyKey(), ...overrides,
});

/** A vendor with one credential (approved, valid for a year unless `credential` says otherwise); returns its id. */
export async function givenVendor(as: As, buildingIds: string[], overrides: Record<string, unknown> = {}, credential: Record<string, unknown> = {}): Promise<string> {
  const id = (await ok(as, CREATE_VENDOR, { input: buildVendor(buildingIds, overrides) })).createVendor.vendor.id as string;
  await ok(as, RECORD_CREDENTIAL, { input: { vendorId: id, kind: 'public-liability-insurance', status: 'APPROVED', expiresOn: inDays(365), idempotencyKey: idempotencyKey(), ...credential } });
  return id;
}

/** Voting's agreed command, as voting's relay would publish it (a fresh event id each call). */
export async function publishWorkOrderRequest(platform: TestPlatform, tenant: string, data: Record<string, unknown>, eventId: string = randomUUID()): Promise<string> {
  await platform.transports[0]!.publish([
    toTransportMessage({ eventId, tenantId: tenant, topic: 'voting.work-order', key: data.buildingId as string, type: 'commonhold.voting.work-order.requested.v1', source: 'voting', subject: data.requestId as string, data, time: new Date().toISOString() }),
  ]);
  return eventId;
}

export const buildRequest = (buildingId: string, overrides: Record<string, unknown> = {}) => ({
  requestId: randomUUID(), voteId: randomUUID(), ruleId: randomUUID(), buildingId, category: 'roofing', title: 'Replace the flat roof', description: 'Approved at the AGM',
  budgetMinor: 1_200_000, currency: 'GBP', responseHours: 48, completionDays: 30, requestedAt: new Date().toISOString(), ...overrides,
});

/** The caller a vendor user is: role vendor, scope its vendor. */
export const asVendor = (platform: TestPlatform, tenant: string, vendorId: string) => platform.as(tenant, { roles: ['vendor'], scope: [`vendor:${vendorId}`], userId: `vendor-user-${vendorId.slice(0, 8)}` });
export const asManager = (platform: TestPlatform, tenant: string, buildingId: string) => platform.as(tenant, { roles: ['building_manager'], scope: [`building:${buildingId}`], userId: 'manager-maria' });
