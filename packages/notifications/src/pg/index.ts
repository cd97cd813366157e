// Delivery records in a service's own PostgreSQL database (the table for its migrations, the store for its notifier).
export { deliveryTableSql, PgDeliveryStore } from './pg-delivery-store';
