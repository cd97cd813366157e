import { parse } from 'csv-parse/sync';
import {
  AGGREGATED_DESCRIPTION,
  buildScheduleRows,
  formatAmount,
  formatDonationDate,
  formatHouse,
  formatName,
  formatPostcode,
  formatTitle,
  renderScheduleFiles,
  SCHEDULE_COLUMNS,
  ScheduleError,
  type ScheduleDonation,
} from './schedule';

let n = 0;
const buildDonation = (overrides: Omit<Partial<ScheduleDonation>, 'donor'> & { donor?: Partial<ScheduleDonation['donor']> } = {}): ScheduleDonation => ({
  giftId: `g${String(++n).padStart(6, '0')}`,
  donationDate: '2026-05-01',
  amountMinor: 5000,
  ...overrides,
  donor: { title: 'Mrs', firstName: 'Ada', lastName: 'Lovelace', houseNameOrNumber: '12', postcode: 'sw1a 2aa', country: 'GB', ...overrides.donor },
});

describe('title', () => {
  it.each([
    ['Mr', 'Mr'],
    ['Mrs', 'Mrs'],
    ['Miss', 'Miss'],
    ['Ms', 'Ms'],
    ['Dr', 'Dr'],
    ['Mr.', 'Mr'],
    ['Dr. ', 'Dr'],
    ['Professor', 'Prof'],
    ['Reverend', 'Rev'],
    ['Lieutenant', ''],
    ['Mx', 'Mx'],
    [null, ''],
    ['', ''],
  ])('%p → %p (letters only, at most 4)', (title, out) => {
    expect(formatTitle(title)).toBe(out);
    expect(formatTitle(title).length).toBeLessThanOrEqual(4);
  });
});

describe('names and house', () => {
  const long = 'Bartholomew-Maximilian Featherstonehaugh-Cholmondeley';
  it.each([
    ['Ada', 'Ada'],
    ['  Ada   May ', 'Ada May'],
    [long, long.slice(0, 35)],
    ['A'.repeat(35), 'A'.repeat(35)],
    ['A'.repeat(36), 'A'.repeat(35)],
    [null, ''],
  ])('name %p → %p (at most 35 characters)', (name, out) => {
    expect(formatName(name)).toBe(out);
    expect(formatName(name).length).toBeLessThanOrEqual(35);
  });

  it.each([
    ['12', '12'],
    ['Flat 3,   Rose Cottage', 'Flat 3, Rose Cottage'],
    ['H'.repeat(40), 'H'.repeat(40)],
    ['H'.repeat(41), 'H'.repeat(40)],
  ])('house %p → %p (at most 40 characters)', (house, out) => expect(formatHouse(house)).toBe(out));
});

describe('postcode', () => {
  it.each([
    ['sw1a2aa', 'GB', 'SW1A 2AA'],
    [' ec1a  1bb ', 'GB', 'EC1A 1BB'],
    ['M1 1AE', null, 'M1 1AE'],
    ['je2 3ab', 'JE', 'JE2 3AB'],
    ['75008', 'FR', 'X'],
    [null, 'US', 'X'],
    ['sw1a 2aa', 'fr', 'X'],
    ['not  a code', 'GB', 'NOT A CODE'],
  ])('%p in %p → %p', (postcode, country, out) => expect(formatPostcode(postcode, country)).toBe(out));
});

describe('amount and date', () => {
  it.each([
    [123450, '1234.50'],
    [1, '0.01'],
    [10, '0.10'],
    [100, '1.00'],
    [100_000_000, '1000000.00'],
    [0, '0.00'],
  ])('%i pence → %p (two decimals, no symbol or comma)', (minor, out) => expect(formatAmount(minor)).toBe(out));

  it('refuses a negative or fractional amount', () => {
    expect(() => formatAmount(-1)).toThrow(ScheduleError);
    expect(() => formatAmount(1.5)).toThrow(ScheduleError);
  });

  it.each([
    ['2026-01-05', '05/01/26'],
    ['2026-11-20', '20/11/26'],
    ['2000-12-31', '31/12/00'],
  ])('%s → %s (DD/MM/YY)', (date, out) => expect(formatDonationDate(date, '2026-11-20')).toBe(out));

  it('refuses a donation date in the future', () => expect(() => formatDonationDate('2026-11-21', '2026-11-20')).toThrow(ScheduleError));
  it('refuses to render a schedule with a future-dated row', () => {
    const rows = buildScheduleRows([buildDonation({ donationDate: '2026-12-01' })], 2000);
    expect(() => renderScheduleFiles(rows, { claimId: 'abcdef12-0000', today: '2026-11-20' })).toThrow(/future/);
  });
});

describe('aggregation', () => {
  it.each([
    ['exactly the threshold (£20.00) is aggregated', 2000, 2000, true],
    ['1p over the threshold is listed individually', 2001, 2000, false],
    ['1p under is aggregated', 1999, 2000, true],
    ['a dated threshold of £10: £15 is individual', 1500, 1000, false],
    ['threshold 0 aggregates nothing', 1, 0, false],
  ])('%s', (_name, amountMinor, threshold, aggregated) => {
    const [row] = buildScheduleRows([buildDonation({ amountMinor })], threshold);
    expect(row!.aggregated !== '').toBe(aggregated);
  });

  it('puts no donor details on an aggregated row and dates it with its latest donation', () => {
    const rows = buildScheduleRows(
      [buildDonation({ amountMinor: 500, donationDate: '2026-05-03' }), buildDonation({ amountMinor: 700, donationDate: '2026-05-01' })],
      2000,
    );
    expect(rows).toEqual([
      { title: '', firstName: '', lastName: '', houseNameOrNumber: '', postcode: '', aggregated: AGGREGATED_DESCRIPTION, sponsored: '', date: '2026-05-03', amountMinor: 1200, giftIds: expect.any(Array) },
    ]);
  });

  it('splits aggregated donations into rows of at most £1,000, in date order', () => {
    // 101 donations of £20 = £2,020 → rows of £1,000 (50 gifts), £1,000, £20.
    const donations = Array.from({ length: 101 }, (_, i) => buildDonation({ amountMinor: 2000, donationDate: `2026-05-${String(1 + (i % 28)).padStart(2, '0')}` }));
    const rows = buildScheduleRows(donations, 2000);
    expect(rows.map((r) => r.amountMinor)).toEqual([100_000, 100_000, 2000]);
    expect(rows.every((r) => r.amountMinor <= 100_000)).toBe(true);
    expect(rows.flatMap((r) => r.giftIds).sort()).toEqual(donations.map((d) => d.giftId).sort());
    // A row's date is its latest donation; rows follow date order.
    const dateOf = new Map(donations.map((d) => [d.giftId, d.donationDate]));
    for (const r of rows) expect(r.date).toBe(r.giftIds.map((id) => dateOf.get(id)!).sort().at(-1));
    expect(rows[0]!.date).toBe('2026-05-13');
    expect(rows[0]!.giftIds.every((id) => dateOf.get(id)! <= '2026-05-13')).toBe(true);
  });

  it('starts a new aggregated row when the next donation would take it over £1,000', () => {
    const donations = [...Array.from({ length: 66 }, () => buildDonation({ amountMinor: 1500 })), buildDonation({ amountMinor: 1100, donationDate: '2026-05-02' })];
    const rows = buildScheduleRows(donations, 2000);
    expect(rows.map((r) => r.amountMinor)).toEqual([99_000, 1100]);
  });

  it('lists larger donations individually with formatted donor details', () => {
    const [row] = buildScheduleRows([buildDonation({ amountMinor: 123450, donor: { title: 'Mr.', firstName: 'Charles', lastName: 'Babbage', houseNameOrNumber: '1 Dorset St', postcode: 'w1u 4ea' } })], 2000);
    expect(row!).toMatchObject({ title: 'Mr', firstName: 'Charles', lastName: 'Babbage', houseNameOrNumber: '1 Dorset St', postcode: 'W1U 4EA', aggregated: '', sponsored: '', amountMinor: 123450 });
  });
});

describe('renderScheduleFiles', () => {
  const claimId = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

  it('writes HMRC’s columns in order with one row per schedule row', () => {
    const rows = buildScheduleRows([buildDonation({ amountMinor: 2500, donationDate: '2026-05-04' }), buildDonation({ amountMinor: 300, donationDate: '2026-05-05' })], 2000);
    const [file] = renderScheduleFiles(rows, { claimId, today: '2026-11-20' });
    expect(file!.fileName).toBe('gift-aid-claim-0f1e2d3c-part-1-of-1.csv');
    expect(parse(file!.csv)).toEqual([
      [...SCHEDULE_COLUMNS],
      ['Mrs', 'Ada', 'Lovelace', '12', 'SW1A 2AA', '', '', '04/05/26', '25.00'],
      ['', '', '', '', '', AGGREGATED_DESCRIPTION, '', '05/05/26', '3.00'],
    ]);
  });

  it('quotes values holding commas', () => {
    const rows = buildScheduleRows([buildDonation({ donor: { houseNameOrNumber: 'Flat 2, The Mews' } })], 2000);
    const [file] = renderScheduleFiles(rows, { claimId, today: '2026-11-20' });
    expect(file!.csv).toContain('"Flat 2, The Mews"');
    expect(parse(file!.csv)[1]![3]).toBe('Flat 2, The Mews');
  });

  it.each([
    [1000, ['part-1-of-1']],
    [1001, ['part-1-of-2', 'part-2-of-2']],
    [2500, ['part-1-of-3', 'part-2-of-3', 'part-3-of-3']],
  ])('splits %i rows into files of at most 1,000 rows', (count, parts) => {
    const rows = buildScheduleRows(Array.from({ length: count }, () => buildDonation({ amountMinor: 5000 })), 2000);
    const files = renderScheduleFiles(rows, { claimId, today: '2026-11-20' });
    expect(files.map((f) => f.fileName)).toEqual(parts.map((p) => `gift-aid-claim-0f1e2d3c-${p}.csv`));
    const counts = files.map((f) => parse(f.csv).length - 1);
    expect(counts.every((c) => c <= 1000)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(count);
    for (const f of files) expect(parse(f.csv)[0]).toEqual([...SCHEDULE_COLUMNS]);
  });

  it('renders an empty schedule as one file with only the header', () => {
    const files = renderScheduleFiles([], { claimId, today: '2026-11-20' });
    expect(files).toHaveLength(1);
    expect(parse(files[0]!.csv)).toEqual([[...SCHEDULE_COLUMNS]]);
  });
});
