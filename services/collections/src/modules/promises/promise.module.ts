import { defineModule } from '@commonhold/kit';
import { CreatePromises1796495271400 } from './promises.migration';
import { promiseEvaluationConsumer } from './promise-evaluation.consumer';
import { promiseResolvers } from './promise.resolvers';

export const promisesModule = defineModule({
  name: 'promises',
  resolvers: promiseResolvers,
  migrations: [CreatePromises1796495271400],
  consumers: (rt) => [promiseEvaluationConsumer(rt)],
});
