import { defineModule } from '@commonhold/kit';
import { buildingsProjectionConsumer } from './buildings-projection.consumer';

/** The projection of collections' buildings (no GraphQL of its own). */
export const directoryModule = defineModule({
  name: 'directory',
  scopedCallers: 'fenced',
  consumers: () => [buildingsProjectionConsumer],
});
