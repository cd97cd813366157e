import { assignDonorKeys, chunkCount, chunkOf, parseAmount, parseImportCsv, parseReceivedAt, validateRow, type ImportColumn, type ImportRow } from './csv-format';

const NOW = new Date('2026-06-01T12:00:00Z');
const opts = { defaultCurrency: 'GBP', now: NOW };

describe('parseAmount (string arithmetic into minor units)', () => {
  it.each([
    ['25', 'GBP', 2500],
    ['25.5', 'GBP', 2550],
    ['25.50', 'GBP', 2550],
    ['0.01', 'GBP', 1],
    ['1,234.50', 'GBP', 123450],
    ['1,234,567', 'GBP', 123456700],
    [' 10.00 ', 'GBP', 1000],
    ['007.10', 'GBP', 710],
    ['1500', 'JPY', 1500],
    ['21474836.47', 'GBP', 2147483647],
    ['0.1', 'GBP', 10],
    ['19.99', 'GBP', 1999],
  ])('%j %s → %d', (text, currency, minor) => expect(parseAmount(text, currency)).toBe(minor));

  it.each([
    ['', 'GBP', /required/],
    ['0', 'GBP', /greater than zero/],
    ['0.00', 'GBP', /greater than zero/],
    ['-5.00', 'GBP', /greater than zero/],
    ['£25.00', 'GBP', /not a decimal number/],
    ['25.505', 'GBP', /more than 2 decimal places/],
    ['12,34.00', 'GBP', /not a decimal number/],
    ['1,2345', 'GBP', /not a decimal number/],
    ['25,50', 'GBP', /not a decimal number/],
    ['1e3', 'GBP', /not a decimal number/],
    ['abc', 'GBP', /not a decimal number/],
    ['.5', 'GBP', /not a decimal number/],
    ['1500.5', 'JPY', /whole number/],
    ['21474836.48', 'GBP', /too large/],
    ['99999999999999999999', 'GBP', /too large/],
  ])('%j %s is refused (%s)', (text, currency, message) => {
    const r = parseAmount(text, currency);
    expect(typeof r).toBe('string');
    expect(r).toMatch(message);
  });
});

describe('parseReceivedAt', () => {
  it.each([
    ['2024-03-05', '2024-03-05T00:00:00.000Z'],
    ['05/03/2024', '2024-03-05T00:00:00.000Z'],
    ['5/3/2024', '2024-03-05T00:00:00.000Z'],
    ['29/02/2024', '2024-02-29T00:00:00.000Z'],
    ['2024-03-05T14:30:00Z', '2024-03-05T14:30:00.000Z'],
    ['2024-07-05T14:30:00+01:00', '2024-07-05T13:30:00.000Z'],
    ['2024-07-05T14:30+0100', '2024-07-05T13:30:00.000Z'],
    ['2024-07-05T14:30:00.250Z', '2024-07-05T14:30:00.250Z'],
  ])('%j → %s', (text, iso) => expect(parseReceivedAt(text, NOW)).toBe(iso));

  it.each([
    ['', /required/],
    ['2024-02-30', /not a real calendar date/],
    ['31/04/2024', /not a real calendar date/],
    ['29/02/2023', /not a real calendar date/],
    ['13/13/2024', /not a real calendar date/],
    ['2024-03-05T14:30:00', /needs a time zone/],
    ['2024-03-05T25:00:00Z', /not a real date and time/],
    ['03-05-2024', /must be YYYY-MM-DD, DD\/MM\/YYYY/],
    ['5 March 2024', /must be YYYY-MM-DD/],
    ['2027-01-01', /in the future/],
    ['1899-12-31', /before 1900/],
  ])('%j is refused (%s)', (text, message) => {
    const r = parseReceivedAt(text, NOW);
    expect(typeof r).toBe('object');
    expect((r as { error: string }).error).toMatch(message);
  });
});

const base: Partial<Record<ImportColumn, string>> = {
  external_id: 'G-1',
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'Ada@Example.org',
  postcode: 'sw1a 1aa',
  amount: '25.00',
  received_at: '2024-03-05',
};

describe('validateRow', () => {
  it('normalises a valid person row', () => {
    const r = validateRow({ ...base, payment_method: 'direct debit', campaign_code: 'spring-24', country: 'uk' }, 2, opts) as ImportRow;
    expect(r).toMatchObject({
      rowNumber: 2,
      externalId: 'G-1',
      kind: 'PERSON',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.org',
      postcode: 'SW1A 1AA',
      country: 'GB',
      amountMinor: 2500,
      currency: 'GBP',
      receivedAt: '2024-03-05T00:00:00.000Z',
      paymentMethod: 'DIRECT_DEBIT',
      campaignCode: 'SPRING-24',
    });
  });

  it('takes an organisation row (lastName mirrors the name, as contacts do)', () => {
    const r = validateRow({ external_id: 'G-2', organisation_name: 'Acme Trust', amount: '100', received_at: '2024-01-01', currency: 'eur' }, 3, opts) as ImportRow;
    expect(r).toMatchObject({ kind: 'ORGANISATION', organisationName: 'Acme Trust', lastName: 'Acme Trust', firstName: null, currency: 'EUR', amountMinor: 10000 });
  });

  it.each<[string, Partial<Record<ImportColumn, string>>, string[]]>([
    ['missing external id', { external_id: ' ' }, ['external_id']],
    ['bad amount', { amount: '12.345' }, ['amount']],
    ['zero amount', { amount: '0' }, ['amount']],
    ['negative amount', { amount: '-1' }, ['amount']],
    ['bad date', { received_at: '31/02/2024' }, ['received_at']],
    ['bad postcode', { postcode: 'XYZ' }, ['postcode']],
    ['bad email', { email: 'not-an-email' }, ['email']],
    ['bad currency', { currency: 'XXY' }, ['currency']],
    ['bad country', { country: 'Narnia' }, ['country']],
    ['bad payment method', { payment_method: 'bitcoin' }, ['payment_method']],
    ['bad fund code', { fund_code: 'general fund!' }, ['fund_code']],
    ['missing names', { first_name: '', last_name: '' }, ['first_name', 'last_name']],
    ['person and organisation', { organisation_name: 'Acme' }, ['organisation_name']],
    ['too long name', { last_name: 'x'.repeat(101) }, ['last_name']],
    ['several problems at once', { amount: 'abc', received_at: 'tomorrow', email: 'x@' }, ['email', 'amount', 'received_at']],
  ])('%s → errors on %j', (_, patch, fields) => {
    const r = validateRow({ ...base, ...patch }, 7, opts);
    expect(Array.isArray(r)).toBe(true);
    expect((r as { field: string }[]).map((e) => e.field)).toEqual(fields);
    expect((r as { rowNumber: number }[]).every((e) => e.rowNumber === 7)).toBe(true);
  });

  it('accepts a non-UK postcode as given (upper-cased) for another country', () => {
    expect(validateRow({ ...base, country: 'FR', postcode: '75008 paris' }, 2, opts)).toMatchObject({ country: 'FR', postcode: '75008 PARIS' });
  });

  it('defaults the currency to the tenant default', () => {
    expect(validateRow(base, 2, { ...opts, defaultCurrency: 'EUR' })).toMatchObject({ currency: 'EUR' });
  });
});

describe('parseImportCsv', () => {
  const header = 'external_id,first_name,last_name,email,postcode,amount,received_at';
  it('reports per-row field errors with spreadsheet row numbers and keeps the valid rows', () => {
    const csv = [header, 'G1,Ada,Lovelace,ada@example.org,SW1A 1AA,10.00,2024-01-02', 'G2,Bob,Smith,bob@,SW1A 1AA,ten,2024-01-02', '', 'G1,Ada,Lovelace,,,5,2024-01-03', 'G4,too,many,values,,,,'].join('\n');
    const r = parseImportCsv(csv, opts);
    expect(r.totalRows).toBe(4);
    expect(r.rows.map((x) => x.externalId)).toEqual(['G1']);
    expect(r.errors).toEqual([
      { rowNumber: 3, field: 'email', message: expect.stringMatching(/not a valid email/) },
      { rowNumber: 3, field: 'amount', message: expect.stringMatching(/not a decimal number/) },
      { rowNumber: 5, field: 'external_id', message: 'external_id "G1" repeats row 2' },
      { rowNumber: 6, field: 'row', message: 'the row has 8 values; the header has 7 columns' },
    ]);
  });

  it('matches column names case-insensitively and ignores a BOM', () => {
    const r = parseImportCsv(`\ufeffExternal_ID , Last_Name,First_Name,Amount,Received_At\nG1,Smith,Jo,"1,000.00",01/02/2024\n`, opts);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ externalId: 'G1', amountMinor: 100000, receivedAt: '2024-02-01T00:00:00.000Z' });
  });

  it.each([
    ['', /empty/],
    [header, /no data rows/],
    ['external_id,amount,received_at,ammount\nG1,1,2024-01-01,2', /unknown column\(s\) "ammount"/],
    ['external_id,last_name,received_at\nG1,Smith,2024-01-01', /required column\(s\) missing: amount/],
    ['external_id,amount,received_at\nG1,1,2024-01-01', /last_name or an organisation_name/],
    ['external_id,amount,amount,received_at,last_name\nG1,1,1,2024-01-01,S', /"amount" appears twice/],
    ['external_id,last_name,amount,received_at\n"G1,Smith,1,2024-01-01', /not valid CSV/],
  ])('refuses a bad file (%#) on input.csv', (csv, message) => {
    try {
      parseImportCsv(csv, opts);
      throw new Error('expected a BAD_USER_INPUT');
    } catch (e) {
      expect((e as { extensions: Record<string, unknown> }).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.csv' });
      expect((e as Error).message).toMatch(message);
    }
  });

  it('refuses more rows than the limit', () => {
    const csv = [header, ...Array.from({ length: 3 }, (_, i) => `G${i},A,B,,,1,2024-01-01`)].join('\n');
    expect(() => parseImportCsv(csv, { ...opts, maxRows: 2 })).toThrow(/at most 2 per import/);
  });
});

describe('assignDonorKeys (one contact per donor, across identifiers)', () => {
  const row = (n: number, p: Partial<ImportRow>): ImportRow =>
    ({ rowNumber: n, kind: 'PERSON', firstName: 'A', lastName: 'B', contactExternalId: null, email: null, postcode: null, ...p }) as ImportRow;

  it.each<[string, Partial<ImportRow>[], string[]]>([
    ['same contact external id', [{ contactExternalId: 'C1', email: 'a@x.org' }, { contactExternalId: 'C1', email: 'b@x.org' }], ['2', '2']],
    ['same email, different names', [{ email: 'a@x.org', firstName: 'Al' }, { email: 'a@x.org', firstName: 'Alan' }], ['2', '2']],
    ['same name and postcode', [{ postcode: 'SW1A 1AA', email: 'a@x.org' }, { postcode: 'SW1A 1AA', email: 'b@x.org' }], ['2', '2']],
    ['name alike, postcodes differ', [{ postcode: 'SW1A 1AA', email: 'a@x.org' }, { postcode: 'E1 6AN', email: 'b@x.org' }], ['2', '3']],
    [
      'transitively: external id links to email links to name+postcode',
      [{ contactExternalId: 'C1', firstName: 'X', postcode: 'E1 6AN' }, { contactExternalId: 'C1', email: 'a@x.org', firstName: 'Y' }, { email: 'a@x.org', firstName: 'Z' }, { firstName: 'X', postcode: 'E1 6AN' }],
      ['2', '2', '2', '2'],
    ],
    ['organisation and person of the same name', [{ kind: 'ORGANISATION', lastName: 'B' }, { kind: 'PERSON', firstName: 'A', lastName: 'B' }], ['2', '3']],
  ])('%s', (_, rows, keys) => {
    const rs = rows.map((p, i) => row(i + 2, p));
    assignDonorKeys(rs);
    expect(rs.map((r) => r.donorKey)).toEqual(keys);
  });
});

describe('chunking', () => {
  it.each([
    [0, 5000, 0],
    [4999, 5000, 0],
    [5000, 5000, 1],
    [12345, 5000, 2],
    [2, 1, 2],
  ])('row index %d with %d per chunk → chunk %d', (i, size, chunk) => expect(chunkOf(i, size)).toBe(chunk));

  it.each([
    [0, 5000, 0],
    [1, 5000, 1],
    [5000, 5000, 1],
    [50000, 5000, 10],
    [50001, 5000, 11],
  ])('%d rows with %d per chunk → %d chunks', (rows, size, n) => expect(chunkCount(rows, size)).toBe(n));
});
