import { AsyncLocalStorage } from 'node:async_hooks';

/** What the logger and audit writer need to know about the unit of work in flight. */
export interface RequestScope {
  requestId?: string;
  /** An `x-request-id` a client sent to the edge: kept for correlation, never used as ours. */
  clientRequestId?: string;
  tenantId?: string;
  userId?: string;
  /** Trace id of the request's span, for audit rows even when no context manager is registered. */
  traceId?: string;
}
export const requestScope = new AsyncLocalStorage<RequestScope>();
