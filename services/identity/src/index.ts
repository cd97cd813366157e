export { identityService } from './service';
export { identityConfigSchema } from './config';
