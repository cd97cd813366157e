// `npm run events:types` writes packages/kit/src/generated/event-payloads.ts from schemas/events/*.json;
// `npm run events:types -- --check` exits 1 when the checked-in file is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventPayloadTypes } from '../packages/kit/src/event-types';

const root = join(__dirname, '..');
export const EVENT_PAYLOADS_FILE = join(root, 'packages/kit/src/generated/event-payloads.ts');

async function main() {
  const next = await renderEventPayloadTypes(join(root, 'schemas/events'));
  const current = existsSync(EVENT_PAYLOADS_FILE) ? readFileSync(EVENT_PAYLOADS_FILE, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== next) {
      console.error('packages/kit/src/generated/event-payloads.ts is stale: run `npm run events:types`');
      process.exit(1);
    }
    console.log('event payload types are up to date');
    return;
  }
  writeFileSync(EVENT_PAYLOADS_FILE, next);
  console.log('wrote packages/kit/src/generated/event-payloads.ts');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
