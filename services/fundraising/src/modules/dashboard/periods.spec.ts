import { addDays, addYears, changePercent, fiscalYearOf, fiscalYearStart, monthsBetween, yearPeriods } from './periods';

describe('fiscal years (named by the calendar year they start in)', () => {
  it.each([
    ['2025-04-01', 4, 2025],
    ['2025-03-31', 4, 2024],
    ['2026-01-15', 4, 2025],
    ['2025-12-31', 1, 2025],
    ['2025-01-01', 1, 2025],
    ['2025-09-30', 10, 2024],
    ['2025-10-01', 10, 2025],
  ])('%s with start month %d → FY %d', (date, start, fy) => expect(fiscalYearOf(date, start)).toBe(fy));

  it.each([
    [2025, 4, '2025-04-01'],
    [2025, 1, '2025-01-01'],
    [2024, 12, '2024-12-01'],
  ])('FY %d (start %d) begins %s', (fy, start, date) => expect(fiscalYearStart(fy, start)).toBe(date));
});

describe('date arithmetic', () => {
  it.each([
    ['2024-02-29', -1, '2023-02-28'],
    ['2025-06-15', -1, '2024-06-15'],
    ['2024-02-29', 4, '2028-02-29'],
  ])('addYears(%s, %d) → %s', (d, n, out) => expect(addYears(d, n)).toBe(out));

  it.each([
    ['2025-12-31', 1, '2026-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-03-01', -1, '2025-02-28'],
  ])('addDays(%s, %d) → %s', (d, n, out) => expect(addDays(d, n)).toBe(out));

  it.each([
    ['2025-01-15', '2025-01-20', ['2025-01']],
    ['2024-11-30', '2025-02-01', ['2024-11', '2024-12', '2025-01', '2025-02']],
    ['2025-04-01', '2026-03-31', ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']],
  ])('monthsBetween(%s, %s)', (from, to, months) => expect(monthsBetween(from, to)).toEqual(months));
});

describe('yearPeriods (this fiscal year to date vs the same period last year)', () => {
  it.each([
    ['2025-06-15', 4, { fiscalYear: 2025, thisStart: '2025-04-01', lastStart: '2024-04-01', toEnd: '2025-06-16', lastToEnd: '2024-06-16' }],
    ['2025-03-31', 4, { fiscalYear: 2024, thisStart: '2024-04-01', lastStart: '2023-04-01', toEnd: '2025-04-01', lastToEnd: '2024-04-01' }],
    ['2024-02-29', 1, { fiscalYear: 2024, thisStart: '2024-01-01', lastStart: '2023-01-01', toEnd: '2024-03-01', lastToEnd: '2023-03-01' }],
  ])('to %s, start month %d', (to, start, periods) => expect(yearPeriods(to, start)).toEqual(periods));
});

describe('changePercent', () => {
  it.each([
    [150, 100, 50],
    [50, 100, -50],
    [100, 100, 0],
    [1, 3, -66.7],
    [100, 0, null],
    [0, 0, null],
  ])('%d vs %d → %s', (a, b, out) => expect(changePercent(a, b)).toBe(out));
});
