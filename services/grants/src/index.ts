export { grantsService } from './service';
export { grantsConfigSchema } from './config';
