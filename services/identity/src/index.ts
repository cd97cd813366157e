export { identityService } from './service';
export { DEMO_ADMIN_EMAIL, DEMO_TENANT, seedDemo } from './modules/accounts';
export { keyRing } from './modules/signing-keys';
export { identityConfigSchema } from './config';
