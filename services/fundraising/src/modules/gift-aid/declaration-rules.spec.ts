import { caught } from '@commonhold/testing/src/caught';
import { cancellationEffect, supersededCoversTo, validateDeclaration, type DeclarationRequest } from './declaration-rules';

const today = '2026-11-20';
const enduring = (overrides: Partial<DeclarationRequest> = {}): DeclarationRequest => ({ kind: 'ENDURING', method: 'WRITTEN', declaredAt: '2026-11-01', coversFrom: '2022-11-01', ...overrides });

describe('validateDeclaration', () => {
  it.each<[string, Partial<DeclarationRequest>, string | null]>([
    ['an enduring written declaration covering 4 years back', {}, null],
    ['declared today', { declaredAt: today, coversFrom: today }, null],
    ['declared tomorrow', { declaredAt: '2026-11-21', coversFrom: '2026-11-01' }, 'input.declaredAt'],
    ['not a date', { declaredAt: '2026-02-30' }, 'input.declaredAt'],
    ['covering 4 years and a day back', { coversFrom: '2022-10-31' }, 'input.coversFrom'],
    ['covering from after declaredAt', { coversFrom: '2026-11-02' }, 'input.coversFrom'],
    ['an enduring one without coversFrom', { coversFrom: undefined }, 'input.coversFrom'],
    ['an enduring one naming a gift', { giftId: 'x' }, 'input.giftId'],
    ['an unknown kind', { kind: 'FOREVER' }, 'input.kind'],
    ['an unknown method', { method: 'CARRIER_PIGEON' }, 'input.method'],
    ['an oral one without confirmation', { method: 'ORAL' }, 'input.confirmation'],
    ['an oral one with its confirmation', { method: 'ORAL', confirmation: { sentAt: '2026-11-02', reference: 'LTR-1' } }, null],
    ['an oral one confirmed before it was made', { method: 'ORAL', confirmation: { sentAt: '2026-10-31' } }, 'input.confirmation.sentAt'],
    ['an oral one confirmed in the future', { method: 'ORAL', confirmation: { sentAt: '2026-11-21' } }, 'input.confirmation.sentAt'],
    ['an oral one with a blank reference', { method: 'ORAL', confirmation: { sentAt: '2026-11-02', reference: ' ' } }, 'input.confirmation.reference'],
    ['a written one with a confirmation', { confirmation: { sentAt: '2026-11-02' } }, 'input.confirmation'],
  ])('%s', (_name, overrides, field) => {
    const input = enduring(overrides);
    if (field === null) expect(() => validateDeclaration(input, { today, giftReceivedOn: null })).not.toThrow();
    else expect(caught(() => validateDeclaration(input, { today, giftReceivedOn: null })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it.each<[string, Partial<DeclarationRequest>, string | null, string | null]>([
    ['a single declaration for a gift', {}, '2026-10-01', null],
    ['without giftId', { giftId: undefined }, null, 'input.giftId'],
    ['for a gift more than 4 years before it', {}, '2022-10-31', 'input.giftId'],
    ['for a gift exactly 4 years before it', {}, '2022-11-01', null],
    ['with a coversFrom other than the gift date', { coversFrom: '2026-09-01' }, '2026-10-01', 'input.coversFrom'],
  ])('SINGLE: %s', (_name, overrides, giftReceivedOn, field) => {
    const input = { kind: 'SINGLE', method: 'ONLINE', declaredAt: '2026-11-01', giftId: 'g1', ...overrides };
    if (field === null) expect(validateDeclaration(input, { today, giftReceivedOn }).coversFrom).toBe(giftReceivedOn);
    else expect(caught(() => validateDeclaration(input, { today, giftReceivedOn })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('cancellationEffect', () => {
  const oral = { method: 'ORAL' as const, declaredAt: '2026-10-01', confirmationSentAt: '2026-10-02', coversTo: null };
  it.each([
    ['written: coverage stops the day before', { ...oral, method: 'WRITTEN' as const, confirmationSentAt: null }, '2026-10-10', { coversTo: '2026-10-09', retroactive: false }],
    ['oral within 30 days of the record: retroactive', oral, '2026-11-01', { coversTo: '2026-10-31', retroactive: true }],
    ['oral on the 30th day: retroactive', oral, '2026-11-01', { coversTo: '2026-10-31', retroactive: true }],
    ['oral on the 31st day: from then on only', oral, '2026-11-02', { coversTo: '2026-11-01', retroactive: false }],
    ['an already limited declaration keeps its earlier end', { ...oral, method: 'ONLINE' as const, coversTo: '2026-10-05' }, '2026-11-10', { coversTo: '2026-10-05', retroactive: false }],
  ])('%s', (_name, d, cancelledAt, effect) => expect(cancellationEffect(d, cancelledAt, today)).toEqual(effect));

  it.each([
    ['in the future', '2026-11-21'],
    ['before the declaration', '2026-09-30'],
  ])('refuses a cancellation date %s', (_name, cancelledAt) => {
    expect(caught(() => cancellationEffect(oral, cancelledAt, today)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cancelledAt' });
  });
});

describe('supersededCoversTo', () => {
  it('keeps covering gifts until the day before the new declaration', () => expect(supersededCoversTo({ declaredAt: '2024-01-01', coversTo: null }, '2026-06-01')).toBe('2026-05-31'));
  it('refuses a "new" declaration made before the active one', () => {
    expect(caught(() => supersededCoversTo({ declaredAt: '2026-01-01', coversTo: null }, '2025-12-31')).extensions).toMatchObject({ field: 'input.declaredAt' });
  });
});
