import { defineModule } from '@commonhold/kit';
import { CreateDirectory1796522582356 } from './directory.migration';
import { DirectoryContacts1796700000000 } from './contacts.migration';
import { collectionsProjectionConsumer } from './collections-projection.consumer';

/** The projection of collections' buildings, apartments and balances (no GraphQL of its own). */
export const directoryModule = defineModule({
  name: 'directory',
  scopedCallers: 'fenced',
  migrations: [CreateDirectory1796522582356, DirectoryContacts1796700000000],
  consumers: () => [collectionsProjectionConsumer],
});
