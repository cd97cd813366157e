import { evaluatePromise, validateInstalments, type Instalment, type PromisePayment } from './promise';

const one: Instalment[] = [{ dueOn: '2026-04-10', amountMinor: 30_000 }];
const two: Instalment[] = [
  { dueOn: '2026-04-10', amountMinor: 10_000 },
  { dueOn: '2026-05-10', amountMinor: 20_000 },
];
const paid = (bookedOn: string, amountMinor: number, reversedOn: string | null = null): PromisePayment => ({ bookedOn, amountMinor, reversedOn });

describe('evaluatePromise', () => {
  it.each<[string, Instalment[], PromisePayment[], string, string]>([
    ['nothing paid before the date: active', one, [], '2026-04-05', 'active'],
    ['nothing paid on the due day itself: still active', one, [], '2026-04-10', 'active'],
    ['nothing paid, the day after: broken', one, [], '2026-04-11', 'broken'],
    ['paid in full early: kept', one, [paid('2026-04-01', 30_000)], '2026-04-01', 'kept'],
    ['paid in two parts by the date: kept', one, [paid('2026-04-01', 10_000), paid('2026-04-10', 20_000)], '2026-04-12', 'kept'],
    ['paid short by the date: broken', one, [paid('2026-04-09', 29_999)], '2026-04-11', 'broken'],
    ['paid late in full: kept (paid beats broken when evaluated after payment)', one, [paid('2026-04-12', 30_000)], '2026-04-12', 'kept'],
    ['a reversed payment no longer counts', one, [paid('2026-04-01', 30_000, '2026-04-05')], '2026-04-06', 'active'],
    ['first instalment met, second pending: active', two, [paid('2026-04-08', 10_000)], '2026-05-01', 'active'],
    ['first instalment missed: broken even before the second', two, [paid('2026-04-08', 5_000)], '2026-04-20', 'broken'],
    ['first instalment overpaid covers part of the second: active', two, [paid('2026-04-08', 25_000)], '2026-05-10', 'active'],
    ['second instalment short: broken', two, [paid('2026-04-08', 25_000)], '2026-05-11', 'broken'],
    ['both instalments met: kept', two, [paid('2026-04-08', 10_000), paid('2026-05-09', 20_000)], '2026-05-09', 'kept'],
  ])('%s', (_, instalments, payments, asOf, status) => expect(evaluatePromise(instalments, payments, asOf).status).toBe(status));

  it('says which instalment was missed', () => expect(evaluatePromise(two, [paid('2026-04-08', 5_000)], '2026-04-20')).toEqual({ status: 'broken', paidMinor: 5_000, shortOn: '2026-04-10' }));
});

describe('validateInstalments', () => {
  const field = (f: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: f }) });
  it('accepts increasing dates from today', () => expect(validateInstalments(two, '2026-04-10')).toEqual(two));
  it.each([
    [[], 'input.instalments'],
    [[{ dueOn: '2026-04-09', amountMinor: 1 }], 'input.instalments.0.dueOn'],
    [[{ dueOn: '2026-04-31', amountMinor: 1 }], 'input.instalments.0.dueOn'],
    [[{ dueOn: '2026-04-12', amountMinor: 1 }, { dueOn: '2026-04-12', amountMinor: 1 }], 'input.instalments.1.dueOn'],
    [[{ dueOn: '2026-04-12', amountMinor: 0 }], 'input.instalments.0.amount.amountMinor'],
    [[{ dueOn: '2026-04-12', amountMinor: 1.5 }], 'input.instalments.0.amount.amountMinor'],
    [Array.from({ length: 13 }, (_, i) => ({ dueOn: `2026-05-${String(i + 1).padStart(2, '0')}`, amountMinor: 1 })), 'input.instalments'],
  ])('refuses %p naming %s', (value, f) => expect(() => validateInstalments(value, '2026-04-10')).toThrow(field(f)));
});
