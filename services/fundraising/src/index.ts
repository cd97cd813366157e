export { fundraisingService } from './service';
export { fundraisingConfigSchema, type FundraisingConfig } from './config';
