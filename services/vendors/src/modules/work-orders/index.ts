// What other modules may import from work-orders (never its resolvers or wiring).
export { offerTo, respondToWorkOrder, startWorkOrder, completeWorkOrder, type AfterCommit, type WorkOrderDeps } from './manage-work-orders';
export { findWorkOrder, documentsOf, type WorkOrderRow, type DocumentRow } from './work-order.store';
export { transition, type WorkOrderStatus } from './work-order';
export { loadWorkOrder, workOrderOut, type WorkOrderOut } from './work-order-read';
export { uploadDocument } from './upload-document';
export { documentStorage, documentMaxBytes } from './document-storage';
export { vendorMetrics } from './work-order.metrics';
