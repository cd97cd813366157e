export { bulkOpsService } from './service';
export { bulkOpsConfigSchema } from './config';
