import { parseApartmentList, parseScope, selectApartments, type ScopedApartment } from './scope';

const B1 = '11111111-1111-4111-8111-111111111111';
const B2 = '22222222-2222-4222-8222-222222222222';
const A = (n: number) => `aaaaaaaa-aaaa-4aaa-8aaa-${String(n).padStart(12, '0')}`;

const buildApartment = (overrides: Partial<ScopedApartment> = {}): ScopedApartment => ({ apartmentId: A(1), buildingId: B1, unit: '1', floor: 0, balanceMinor: 0, ...overrides });
const apartments = [
  buildApartment({ apartmentId: A(1), unit: '1', floor: 0, balanceMinor: 0 }),
  buildApartment({ apartmentId: A(2), unit: '2', floor: 1, balanceMinor: 5_000 }),
  buildApartment({ apartmentId: A(3), unit: '3', floor: 1, balanceMinor: 20_000 }),
  buildApartment({ apartmentId: A(4), buildingId: B2, unit: '1', floor: 2, balanceMinor: 30_000 }),
];
const gbp = () => 'GBP';
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e: any) {
    return { code: e.extensions.code, field: e.extensions.field, line: e.extensions.line, message: e.message };
  }
  throw new Error('expected a refusal');
};
const select = (scope: Record<string, unknown>, buildingId: string | null = B1) => {
  const r = selectApartments(parseScope('input.scope', scope, buildingId), apartments, gbp);
  return { units: r.selected.map((a) => `${a.buildingId === B1 ? 'B1' : 'B2'}/${a.unit}`), errors: r.errors.map((e) => `${e.field}:${e.code}`) };
};

describe('parseApartmentList', () => {
  it('reads ids and units with their line numbers (blank lines, BOM, snake_case headers, spaces)', () => {
    expect(parseApartmentList(`\uFEFFapartment_id,unit\n${A(1)},1\n\n , 3 \n`)).toEqual([
      { line: 2, apartmentId: A(1), unit: '1', buildingId: null },
      { line: 4, apartmentId: null, unit: '3', buildingId: null },
    ]);
  });

  it.each([
    ['an unknown column', 'apartmentId,colour\nx,red\n', 'input.scope.list.1.colour', 1],
    ['a row with neither id nor unit', `apartmentId,unit\n${A(1)},1\n,\n`, 'input.scope.list.3.apartmentId', 3],
    ['a malformed id', 'apartmentId\nnot-an-id\n', 'input.scope.list.2.apartmentId', 2],
    ['a malformed building id', 'unit,buildingId\n1,nope\n', 'input.scope.list.2.buildingId', 2],
    ['the same apartment twice', `apartmentId\n${A(1)}\n${A(2)}\n${A(1)}\n`, 'input.scope.list.4.apartmentId', 4],
    ['a row with too many fields', `apartmentId\n${A(1)}\n${A(2)},extra\n`, 'input.scope.list.3', 3],
    ['an unclosed quote', `unit\n"1\n`, 'input.scope.list.2', 2],
  ])('refuses %s, naming the line and field', (_name, csv, field, line) => {
    expect(refusal(() => parseApartmentList(csv))).toMatchObject({ code: 'BAD_USER_INPUT', field, line });
  });

  it.each([[''], ['   '], ['apartmentId\n'], [42]])('refuses an empty or non-text list %p', (csv) => {
    expect(refusal(() => parseApartmentList(csv))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope.list' });
  });
});

describe('parseScope', () => {
  it.each([
    ['no building at all', {}, null, 'input.scope.buildingIds'],
    ['a malformed building id', { buildingIds: ['x'] }, null, 'input.scope.buildingIds.0'],
    ['a building listed twice', { buildingIds: [B1, B1] }, null, 'input.scope.buildingIds.1'],
    ['a buildingId outside buildingIds', { buildingIds: [B2] }, B1, 'input.buildingId'],
    ['a malformed apartment id', { apartmentIds: [A(1), 'x'] }, B1, 'input.scope.apartmentIds.1'],
    ['a fractional floor', { floors: [1.5] }, B1, 'input.scope.floors.0'],
    ['an empty floor list', { floors: [] }, B1, 'input.scope.floors'],
    ['a negative minimum balance', { minBalanceOwed: { amountMinor: -1, currency: 'GBP' } }, B1, 'input.scope.minBalanceOwed.amountMinor'],
    ['a bad currency', { minBalanceOwed: { amountMinor: 1, currency: 'pounds' } }, B1, 'input.scope.minBalanceOwed.currency'],
    ['a unit without its building when several are in scope', { buildingIds: [B1, B2], list: 'unit\n1\n' }, null, 'input.scope.list.2.buildingId'],
    ['a list row in a building out of scope', { list: `unit,buildingId\n1,${B2}\n` }, B1, 'input.scope.list.2.buildingId'],
  ])('refuses %s', (_name, scope, buildingId, field) => {
    expect(refusal(() => parseScope('input.scope', scope, buildingId))).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('defaults to the job building', () => {
    expect(parseScope('input.scope', null, B1)).toEqual({ buildingIds: [B1], apartmentIds: null, floors: null, minBalanceOwed: null, list: null });
  });
});

describe('selectApartments', () => {
  it.each([
    ['a whole building', {}, B1, ['B1/1', 'B1/2', 'B1/3'], []],
    ['several buildings', { buildingIds: [B1, B2] }, null, ['B1/1', 'B1/2', 'B1/3', 'B2/1'], []],
    ['floors', { floors: [1, 2], buildingIds: [B1, B2] }, null, ['B1/2', 'B1/3', 'B2/1'], []],
    ['a minimum balance owed (inclusive)', { minBalanceOwed: { amountMinor: 5_000, currency: 'GBP' } }, B1, ['B1/2', 'B1/3'], []],
    ['apartment ids', { apartmentIds: [A(1), A(3)] }, B1, ['B1/1', 'B1/3'], []],
    ['filters together (AND)', { apartmentIds: [A(1), A(3)], floors: [1] }, B1, ['B1/3'], []],
    ['a list by unit and by id', { list: `unit,apartmentId\n2,\n,${A(3)}\n` }, B1, ['B1/2', 'B1/3'], []],
    ['a list by unit within a building', { buildingIds: [B1, B2], list: `unit,buildingId\n1,${B2}\n` }, null, ['B2/1'], []],
    ['a list and ids (both must name it)', { apartmentIds: [A(1), A(2)], list: `apartmentId\n${A(2)}\n${A(3)}\n` }, B1, ['B1/2'], []],
    ['a list naming unknown apartments', { list: `unit\n2\n9\n` }, B1, ['B1/2'], ['scope.list.3.unit:UNKNOWN_APARTMENT']],
    ['an id of another building', { apartmentIds: [A(4)] }, B1, [], ['scope.apartmentIds.0:UNKNOWN_APARTMENT']],
    ['a list id whose unit disagrees', { list: `apartmentId,unit\n${A(2)},7\n` }, B1, [], ['scope.list.2.unit:UNIT_MISMATCH']],
    ['a minimum balance in another currency', { minBalanceOwed: { amountMinor: 1, currency: 'EUR' } }, B1, ['B1/2', 'B1/3'], ['scope.minBalanceOwed.currency:CURRENCY_MISMATCH']],
  ])('selects by %s', (_name, scope, buildingId, units, errors) => {
    expect(select(scope, buildingId)).toEqual({ units, errors });
  });
});
