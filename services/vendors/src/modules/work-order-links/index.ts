// What other modules may import from work-order-links (nothing yet: service.ts imports its module).
export { linkRefusal, WORK_ORDER_LINK_PURPOSE } from './work-order-link';
