// `npm run events:lock`: records the fingerprint of every event contract in schemas/events.lock.json.
// A locked (published) contract may not change; a new version gets a new file (`.v2`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractFingerprints } from '../packages/kit/src/event-catalog';

const dir = join(__dirname, '..', 'schemas');
writeFileSync(join(dir, 'events.lock.json'), JSON.stringify(contractFingerprints(join(dir, 'events')), null, 2) + '\n');
console.log('wrote schemas/events.lock.json');
