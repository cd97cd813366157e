import { stringifyCsvSafe } from '@commonhold/kit/domain';
import { toNormalised } from 'postcode';
import { hmrcDate, type IsoDate } from './dates';

/**
 * HMRC's Gift Aid schedule (the Charities Online claim spreadsheet), built from a claim's donations.
 * Pure: donations in, rows and CSV files out. Every format rule has a table-driven test.
 */
export const SCHEDULE_COLUMNS = ['Title', 'First name or initial', 'Last name', 'House name or number', 'Postcode', 'Aggregated donations', 'Sponsored event', 'Donation date', 'Amount'] as const;

/** HMRC's limits: one aggregated row at most £1,000; one schedule file at most 1,000 rows. */
export const AGGREGATED_ROW_MAX_MINOR = 100_000;
export const MAX_ROWS_PER_FILE = 1_000;
/** Default aggregation threshold (HMRC: donations of £20 or less may be aggregated). */
export const DEFAULT_AGGREGATION_THRESHOLD_MINOR = 2_000;
/** What the "Aggregated donations" column says on an aggregated row (HMRC: a short description). */
export const AGGREGATED_DESCRIPTION = 'Small donations';

/** Countries whose addresses carry UK-format postcodes; any other country is overseas (`X`). */
const UK_POSTCODE_COUNTRIES = new Set(['GB', 'GG', 'JE', 'IM']);

export interface ScheduleDonor {
  title: string | null;
  firstName: string | null;
  lastName: string | null;
  houseNameOrNumber: string | null;
  postcode: string | null;
  /** ISO 3166 alpha-2; null means the UK. */
  country: string | null;
}

export interface ScheduleDonation {
  giftId: string;
  donationDate: IsoDate;
  amountMinor: number;
  donor: ScheduleDonor;
}

export interface ScheduleRow {
  title: string;
  firstName: string;
  lastName: string;
  houseNameOrNumber: string;
  postcode: string;
  /** Description on an aggregated row, empty otherwise. */
  aggregated: string;
  /** "Yes" for a sponsored event; we record none yet, so always empty. */
  sponsored: '' | 'Yes';
  date: IsoDate;
  amountMinor: number;
  giftIds: string[];
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

const LONG_TITLES: Record<string, string> = { professor: 'Prof', reverend: 'Rev', doctor: 'Dr' };

/** Title: letters only (full stops dropped), at most 4; a known long title is abbreviated, any other is left blank (the column is optional). */
export function formatTitle(title: string | null): string {
  const letters = (title ?? '').replace(/[^A-Za-z]/g, '');
  if (letters.length <= 4) return letters;
  return LONG_TITLES[letters.toLowerCase()] ?? '';
}

/** First name or initial / last name: whitespace squashed, at most 35 characters. */
export const formatName = (name: string | null) => squash(name).slice(0, 35).trim();

/** House name or number: whitespace squashed, at most 40 characters. */
export const formatHouse = (house: string | null) => squash(house).slice(0, 40).trim();

/** Postcode in capitals with one space (`SW1A 2AA`); `X` for a donor living overseas. */
export function formatPostcode(postcode: string | null, country: string | null): string {
  if (country && !UK_POSTCODE_COUNTRIES.has(country.toUpperCase())) return 'X';
  const compact = (postcode ?? '').replace(/\s+/g, '').toUpperCase();
  return toNormalised(compact) ?? squash(postcode).toUpperCase();
}

/** Amount with two decimals, no currency symbol and no thousands separator (`1234.50`). */
export function formatAmount(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new ScheduleError(`Amount ${minor} is not a non-negative whole number of pence`);
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** `DD/MM/YY`; a donation date after `today` is refused (HMRC rejects future dates). */
export function formatDonationDate(date: IsoDate, today: IsoDate): string {
  if (date > today) throw new ScheduleError(`Donation date ${date} is in the future`);
  return hmrcDate(date);
}

/**
 * Rows of the schedule. Every donation of at most `thresholdMinor` (HMRC: "£20 or less") is
 * aggregated: in date order into rows of at most £1,000, without donor details, dated with the
 * latest donation in the row. Larger donations get a row each with the donor's details. A
 * threshold of 0 aggregates nothing.
 */
export function buildScheduleRows(donations: readonly ScheduleDonation[], thresholdMinor: number): ScheduleRow[] {
  const byDate = [...donations].sort((a, b) => (a.donationDate !== b.donationDate ? (a.donationDate < b.donationDate ? -1 : 1) : a.giftId < b.giftId ? -1 : 1));
  const rows: ScheduleRow[] = [];
  const aggregated: ScheduleRow[] = [];
  let open: ScheduleRow | null = null;
  for (const d of byDate) {
    if (d.amountMinor <= thresholdMinor && d.amountMinor <= AGGREGATED_ROW_MAX_MINOR) {
      if (!open || open.amountMinor + d.amountMinor > AGGREGATED_ROW_MAX_MINOR) {
        open = { title: '', firstName: '', lastName: '', houseNameOrNumber: '', postcode: '', aggregated: AGGREGATED_DESCRIPTION, sponsored: '', date: d.donationDate, amountMinor: 0, giftIds: [] };
        aggregated.push(open);
      }
      open.amountMinor += d.amountMinor;
      open.date = d.donationDate;
      open.giftIds.push(d.giftId);
      continue;
    }
    rows.push({
      title: formatTitle(d.donor.title),
      firstName: formatName(d.donor.firstName),
      lastName: formatName(d.donor.lastName),
      houseNameOrNumber: formatHouse(d.donor.houseNameOrNumber),
      postcode: formatPostcode(d.donor.postcode, d.donor.country),
      aggregated: '',
      sponsored: '',
      date: d.donationDate,
      amountMinor: d.amountMinor,
      giftIds: [d.giftId],
    });
  }
  return [...rows, ...aggregated];
}

export interface ScheduleFile {
  fileName: string;
  csv: string;
}

/**
 * The schedule as CSV files of at most 1,000 rows each (plus the header row), named
 * `gift-aid-claim-<first 8 characters of the claim id>-part-<n>-of-<total>.csv`.
 */
export function renderScheduleFiles(rows: readonly ScheduleRow[], opts: { claimId: string; today: IsoDate }): ScheduleFile[] {
  const records = rows.map((r) => [r.title, r.firstName, r.lastName, r.houseNameOrNumber, r.postcode, r.aggregated, r.sponsored, formatDonationDate(r.date, opts.today), formatAmount(r.amountMinor)]);
  const parts = Math.max(1, Math.ceil(records.length / MAX_ROWS_PER_FILE));
  const short = opts.claimId.slice(0, 8);
  return Array.from({ length: parts }, (_, i) => ({
    fileName: `gift-aid-claim-${short}-part-${i + 1}-of-${parts}.csv`,
    // Donor-controlled text cannot become a formula (kit's stringifyCsvSafe); names and houses keep HMRC's widths.
    csv: stringifyCsvSafe([[...SCHEDULE_COLUMNS], ...records.slice(i * MAX_ROWS_PER_FILE, (i + 1) * MAX_ROWS_PER_FILE)], { maxLengths: [undefined, 35, 35, 40] }),
  }));
}
