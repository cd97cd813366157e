import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const INFRASTRUCTURE = /node_modules\/(typeorm|kafkajs|pg|pg-pool|ioredis|express|@apollo|dataloader|pino|prom-client)\//;

/** Pure rule files: they import only `@commonhold/kit/domain`, libraries and each other. */
const PURE = [
  'contacts/contact.ts',
  'contacts/address.ts',
  'contacts/duplicates.ts',
  'contacts/household-naming.ts',
  'gifts/gift.ts',
  'gifts/giving-rollup.ts',
  'gifts/opportunity.ts',
  'gift-aid/dates.ts',
  'gift-aid/declaration-rules.ts',
  'gift-aid/eligibility.ts',
  'gift-aid/schedule.ts',
  'dashboard/periods.ts',
  'intake/agreement.ts',
  'intake/agreement-input.ts',
  'intake/schedule.ts',
  'reference/reference.ts',
  'import/import-job.ts',
];

function loaded(file: string): string[] {
  const script = `require(${JSON.stringify(path.join(__dirname, file))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as string[];
}

describe('pure fundraising rules load no infrastructure', () => {
  it.each(PURE)('%s', (file) => {
    const files = loaded(file).map((f) => f.split(path.sep).join('/'));
    expect(files.filter((f) => INFRASTRUCTURE.test(f))).toEqual([]);
    // contacts/contact.ts loaded 1,434 modules through the kit's full entry; zod is most of what is left.
    expect(files.length).toBeLessThan(150);
  }, 30_000);
});
