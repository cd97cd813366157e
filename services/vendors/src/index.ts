export { vendorsService } from './service';
export { vendorsConfigSchema } from './config';
