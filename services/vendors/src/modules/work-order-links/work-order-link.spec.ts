import { AppError } from '@commonhold/kit/domain';
import { assertLinkable, linkExpiry, linkHours, linkRefusal, type LinkRecord } from './work-order-link';

const now = new Date('2026-12-06T12:00:00.000Z');
const buildLink = (overrides: Partial<LinkRecord> = {}): LinkRecord => ({ work_order_id: 'wo-1', vendor_id: 'v-1', expires_at: new Date('2026-12-07T12:00:00Z'), revoked_at: null, ...overrides });
const refusal = (e: AppError | null) => (e ? { code: e.extensions.code, reason: (e.extensions as { reason?: string }).reason } : null);

describe('linkRefusal', () => {
  it.each([
    ['a live link for its work order and vendor', buildLink(), 'wo-1', { id: 'wo-1', vendor_id: 'v-1' }, null],
    ['not issued by vendors', null, 'wo-1', { id: 'wo-1', vendor_id: 'v-1' }, { code: 'UNAUTHENTICATED', reason: 'invalid' }],
    ['revoked', buildLink({ revoked_at: now }), 'wo-1', { id: 'wo-1', vendor_id: 'v-1' }, { code: 'UNAUTHENTICATED', reason: 'revoked' }],
    ['revoked wins over expired', buildLink({ revoked_at: now, expires_at: now }), 'wo-1', { id: 'wo-1', vendor_id: 'v-1' }, { code: 'UNAUTHENTICATED', reason: 'revoked' }],
    ['expired at this very instant', buildLink({ expires_at: now }), 'wo-1', { id: 'wo-1', vendor_id: 'v-1' }, { code: 'UNAUTHENTICATED', reason: 'expired' }],
    ['token subject is another work order', buildLink(), 'wo-2', { id: 'wo-1', vendor_id: 'v-1' }, { code: 'FORBIDDEN', reason: 'subject' }],
    ['work order gone (not visible)', buildLink(), 'wo-1', null, { code: 'FORBIDDEN', reason: 'subject' }],
    ['re-offered to another vendor', buildLink(), 'wo-1', { id: 'wo-1', vendor_id: 'v-2' }, { code: 'FORBIDDEN', reason: 'vendor_changed' }],
    ['vendor removed from the work order', buildLink(), 'wo-1', { id: 'wo-1', vendor_id: null }, { code: 'FORBIDDEN', reason: 'vendor_changed' }],
  ])('%s', (_label, link, subject, workOrder, want) => {
    expect(refusal(linkRefusal(link, subject, workOrder, now))).toEqual(want);
  });
});

describe('linkHours and linkExpiry', () => {
  it.each([[undefined, 72], [null, 72], [1, 1], [720, 720]])('%p hours → %p', (v, want) => expect(linkHours('f', v)).toBe(want));
  it.each([0, 721, 1.5, '24', -1])('%p is refused naming the field', (v) => {
    expect(() => linkHours('input.expiresInHours', v)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.expiresInHours' }) }));
  });
  it('expires whole seconds after now (the token exp is in seconds)', () => {
    expect(linkExpiry(new Date('2026-12-06T12:00:00.750Z'), 2).toISOString()).toBe('2026-12-06T14:00:00.000Z');
  });
});

describe('assertLinkable', () => {
  it.each(['offered', 'accepted', 'in_progress'])('%s with a vendor: linkable', (status) => expect(() => assertLinkable('f', { status, vendor_id: 'v' })).not.toThrow());
  it.each([
    ['requested', null, 'NO_VENDOR'],
    ['declined', 'v', 'WRONG_STATUS'],
    ['completed', 'v', 'WRONG_STATUS'],
    ['cancelled', 'v', 'WRONG_STATUS'],
  ])('%s (vendor %p): CONFLICT %s', (status, vendor_id, reason) => {
    expect(() => assertLinkable('f', { status, vendor_id })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT', reason }) }));
  });
});
