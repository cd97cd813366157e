import type { FundraisingModule } from '../module';

export const importModule: FundraisingModule = {
  name: 'import',
  resolvers: {},
};
