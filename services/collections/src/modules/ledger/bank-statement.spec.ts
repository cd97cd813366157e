import { matchLine, parseAmount, parseCsvStatement, parseDate, referenceCandidates } from './bank-statement';

const refused = (re: RegExp) => expect.objectContaining({ message: expect.stringMatching(re), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.content' }) });

describe('parseAmount', () => {
  it.each([
    ['125.50', 'GBP', 12_550],
    ['1,234.5', 'GBP', 123_450],
    ['£20', 'GBP', 2_000],
    ['-7.01', 'GBP', -701],
    ['+3', 'GBP', 300],
    ['500', 'JPY', 500],
    ['12.345', 'GBP', null],
    ['5.5', 'JPY', null],
    ['abc', 'GBP', null],
    ['', 'GBP', null],
  ])('%p %s → %p', (text, ccy, out) => expect(parseAmount(text, ccy)).toBe(out));
});

describe('parseDate', () => {
  it.each([
    ['2026-03-01', '2026-03-01'],
    ['01/03/2026', '2026-03-01'],
    ['1/3/2026', '2026-03-01'],
    ['31/02/2026', null],
    ['2026-13-01', null],
    ['03-01-2026', null],
  ])('%p → %p', (text, out) => expect(parseDate(text)).toBe(out));
});

describe('parseCsvStatement', () => {
  it('maps aliased headers in any case and order, defaulting the currency', () => {
    const csv = '\uFEFFBooking Date,Payer Name,Paid In,Narrative,Transaction ID\n01/03/2026,A Owner,"1,250.00",FLAT 4 AP-1234ABCD,TX-1\n2026-03-02,,-10.00,Bank fee,\n';
    expect(parseCsvStatement(csv, 'GBP')).toEqual([
      { lineNo: 2, bookedOn: '2026-03-01', amountMinor: 125_000, currency: 'GBP', reference: 'FLAT 4 AP-1234ABCD', counterparty: 'A Owner', bankTxId: 'TX-1' },
      { lineNo: 3, bookedOn: '2026-03-02', amountMinor: -1_000, currency: 'GBP', reference: 'Bank fee', counterparty: null, bankTxId: null },
    ]);
  });
  it.each([
    ['', /empty/],
    ['date,amount\n2026-03-01,1\n', /lacks the column\(s\) reference/],
    ['date,amount,reference\n2026-02-30,1,x\n', /line 2: date/],
    ['date,amount,reference\n2026-03-01,1.234,x\n', /line 2: amount/],
    ['date,amount,reference,currency\n2026-03-01,1,x,ZZZ\n', /line 2: currency/],
    ['date,amount,reference\n"2026-03-01,1,x\n', /not a readable CSV/],
  ])('refuses %p', (csv, re) => expect(() => parseCsvStatement(csv, 'GBP')).toThrow(refused(re)));
});

describe('referenceCandidates', () => {
  it('splits remittance text into possible references', () => {
    expect(referenceCandidates('Service charge ap-1234abcd / flat 4, ref HH-1B')).toEqual(['SERVICE', 'CHARGE', 'AP-1234ABCD', 'FLAT', 'HH-1B']);
    expect(referenceCandidates(null)).toEqual([]);
  });
});

describe('matchLine', () => {
  const gbp = { id: 'a1', currency: 'GBP' };
  it.each([
    [{ amountMinor: 100, currency: 'GBP' }, [gbp], { status: 'matched', apartmentId: 'a1' }],
    [{ amountMinor: -100, currency: 'GBP' }, [gbp], { status: 'ignored', reason: 'not money received' }],
    [{ amountMinor: 100, currency: 'GBP' }, [], { status: 'unmatched', reason: 'no apartment payment reference in the text' }],
    [{ amountMinor: 100, currency: 'GBP' }, [gbp, { id: 'a2', currency: 'GBP' }], { status: 'unmatched', reason: 'the text names several apartments' }],
    [{ amountMinor: 100, currency: 'EUR' }, [gbp], { status: 'unmatched', reason: "the building's ledger is in GBP" }],
  ])('%p with %p → %p', (line, apartments, out) => expect(matchLine(line, apartments)).toEqual(out));
});
