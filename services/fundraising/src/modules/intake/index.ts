import type { FundraisingModule } from '../module';

export const intakeModule: FundraisingModule = {
  name: 'intake',
  resolvers: {},
};
