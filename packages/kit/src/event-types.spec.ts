import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { newEvent, payloadTypeName, producerOf } from './event-builders';

const ROOT = path.resolve(__dirname, '../../..');

describe('generated event payload types', () => {
  // In a child process: the generator formats with prettier, which needs dynamic import (not in jest's VM).
  it('are up to date with schemas/events (`npm run events:types -- --check`)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/events-types.ts', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('up to date');
  }, 30_000);

  it('names payload types after the event type', () => {
    expect(payloadTypeName('commonhold.fundraising.gift-aid-claim.created.v1')).toBe('FundraisingGiftAidClaimCreatedV1');
  });

  it('takes the producer from the event type', () => {
    expect(producerOf('commonhold.fundraising.gift.recorded.v1')).toBe('fundraising');
    expect(producerOf('commonhold.volunteers.shift.booked.v2')).toBe('volunteers');
    expect(() => producerOf('gift.recorded')).toThrow('is not commonhold');
    expect(newEvent('commonhold.fundraising.contact.erased.v1', 'c1', { contactId: 'c1', erasedAt: '2026-01-01T00:00:00.000Z' })).toEqual({
      type: 'commonhold.fundraising.contact.erased.v1',
      subject: 'c1',
      data: { contactId: 'c1', erasedAt: '2026-01-01T00:00:00.000Z' },
    });
  });
});
