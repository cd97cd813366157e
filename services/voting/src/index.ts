export { votingService } from './service';
export { votingConfigSchema } from './config';
