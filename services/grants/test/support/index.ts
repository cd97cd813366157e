// Shared support for grants' tests: factories and the GraphQL operations the specs use (the generic
// helpers come from @commonhold/testing).
import { randomUUID } from 'node:crypto';
import { idempotencyKey, ok, type As } from '@commonhold/testing/src/support';

export { idempotencyKey, ok, refused, tenantName, type As } from '@commonhold/testing/src/support';

export const GBP = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
export const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const REQUEST_FIELDS = `id name status funder { id } opportunityId fundCode requested { amountMinor currency } awarded { amountMinor currency } awardedOn startDate endDate
  renewalOf { id } disbursed { amountMinor } cancelled { amountMinor } remaining { amountMinor } unscheduled { amountMinor }`;
export const CREATE_REQUEST = `mutation($input: CreateGrantRequestInput!) { createGrantRequest(input: $input) { request { ${REQUEST_FIELDS} } } }`;
export const SET_STATUS = `mutation($input: SetGrantRequestStatusInput!) { setGrantRequestStatus(input: $input) { request { id status } } }`;
export const AWARD = `mutation($input: AwardGrantRequestInput!) { awardGrantRequest(input: $input) { request { ${REQUEST_FIELDS} } } }`;
export const CLOSE = `mutation($input: CloseGrantRequestInput!) { closeGrantRequest(input: $input) { request { id status closedAt } } }`;
export const ADD_REQUIREMENT = `mutation($input: AddGrantRequirementInput!) { addGrantRequirement(input: $input) { requirement { id type name dueDate finalReport status remindDaysBefore reminderEmail request { id } } } }`;
export const SET_REQUIREMENT = `mutation($input: SetGrantRequirementStatusInput!) { setGrantRequirementStatus(input: $input) { requirement { id status approvedAt } } }`;
const D = `disbursement { id status amount { amountMinor currency } scheduledDate paidOn request { id status } }`;
export const SCHEDULE = `mutation($input: ScheduleGrantDisbursementInput!) { scheduleGrantDisbursement(input: $input) { ${D} } }`;
export const SUBMIT = `mutation($input: GrantDisbursementActionInput!) { submitGrantDisbursement(input: $input) { ${D} } }`;
export const APPROVE = `mutation($input: GrantDisbursementActionInput!) { approveGrantDisbursement(input: $input) { ${D} } }`;
export const PAY = `mutation($input: PayGrantDisbursementInput!) { payGrantDisbursement(input: $input) { ${D} } }`;
export const CANCEL = `mutation($input: GrantDisbursementActionInput!) { cancelGrantDisbursement(input: $input) { ${D} } }`;
export const REQUEST = `query($id: ID!) { grantRequest(id: $id) { ${REQUEST_FIELDS} requirements { id status finalReport } disbursements { id status } } }`;

/** `createGrantRequest` input: £30,000 asked of a funder (a random contact id unless given). */
export function buildRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Youth programme 2027', funderContactId: randomUUID(), requested: GBP(3_000_000), idempotencyKey: idempotencyKey(), ...overrides };
}

export async function createRequest(as: As, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await ok(as, CREATE_REQUEST, { input: buildRequest(overrides) })).createGrantRequest.request.id as string;
}

/** A request taken through submission to its award of `awardedMinor` (GBP). */
export async function awardedRequest(as: As, awardedMinor = 2_000_000, overrides: Record<string, unknown> = {}, award: Record<string, unknown> = {}): Promise<string> {
  const id = await createRequest(as, overrides);
  await ok(as, SET_STATUS, { input: { requestId: id, status: 'SUBMITTED', idempotencyKey: idempotencyKey() } });
  await ok(as, AWARD, { input: { requestId: id, awarded: GBP(awardedMinor), idempotencyKey: idempotencyKey(), ...award } });
  return id;
}

export async function addRequirement(as: As, requestId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await ok(as, ADD_REQUIREMENT, { input: { requestId, type: 'REPORT', name: 'Final report', dueDate: day(60), finalReport: true, idempotencyKey: idempotencyKey(), ...overrides } })).addGrantRequirement
    .requirement.id as string;
}

export async function scheduled(as: As, requestId: string, amountMinor: number, overrides: Record<string, unknown> = {}): Promise<string> {
  return (await ok(as, SCHEDULE, { input: { requestId, amount: GBP(amountMinor), scheduledDate: day(10), idempotencyKey: idempotencyKey(), ...overrides } })).scheduleGrantDisbursement
    .disbursement.id as string;
}

/** A scheduled disbursement taken through approval (not yet paid). */
export async function approved(as: As, requestId: string, amountMinor: number): Promise<string> {
  const id = await scheduled(as, requestId, amountMinor);
  await ok(as, SUBMIT, { input: { disbursementId: id, idempotencyKey: idempotencyKey() } });
  await ok(as, APPROVE, { input: { disbursementId: id, idempotencyKey: idempotencyKey() } });
  return id;
}
