/** What other modules of grants may use from requests (its wiring is requests.module.ts). */
export { createRenewalDraft, mustFindRequest } from './manage-requests';
export { FUNDED, renewalDue, optionalDate, DECIDED, REQUEST_STATUSES, type RequestStatus } from './request';
export { findRequest, findRequests, toRequest, updateRequest, type RequestRow } from './request.store';
