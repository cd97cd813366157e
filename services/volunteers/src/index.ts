export { volunteersService } from './service';
export { volunteersConfigSchema } from './config';
