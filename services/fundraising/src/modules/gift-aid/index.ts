import type { FundraisingModule } from '../module';

export const giftAidModule: FundraisingModule = {
  name: 'gift-aid',
  resolvers: {},
};
