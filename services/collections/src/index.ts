export { collectionsService } from './service';
export { collectionsConfigSchema } from './config';
