import { defineModule } from '@commonhold/kit';
import { collectionsDirectoryConsumer } from './collections-projection.consumer';
import { CreateVotingDirectory1796531703500 } from './directory.migration';

/** The projection of collections' buildings and apartments with their shares (no GraphQL of its own). */
export const directoryModule = defineModule({
  name: 'directory',
  scopedCallers: 'fenced',
  migrations: [CreateVotingDirectory1796531703500],
  consumers: () => [collectionsDirectoryConsumer],
});
