import { camt053 } from '../../../test/fixtures/camt053';
import { parseCamt053 } from './bank-camt';

const refused = (re: RegExp) => expect.objectContaining({ message: expect.stringMatching(re), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.content' }) });

describe('parseCamt053', () => {
  it('maps booked entries and their transaction details to lines; pending entries are left out', () => {
    expect(parseCamt053(camt053({ a: 'AP-AAAA000001', b: 'HH-1B' }))).toEqual([
      { lineNo: 1, bookedOn: '2026-03-02', amountMinor: 25_000, currency: 'GBP', reference: 'SERVICE CHARGE AP-AAAA000001', counterparty: 'A Owner', bankTxId: 'BANK-0001' },
      { lineNo: 2, bookedOn: '2026-03-02', amountMinor: 5_050, currency: 'GBP', reference: 'HH-1B', counterparty: 'B Owner', bankTxId: 'BANK-0003/1' },
      { lineNo: 3, bookedOn: '2026-03-02', amountMinor: 2_000, currency: 'GBP', reference: 'FLAT 9 MARCH', counterparty: 'Unknown Payer', bankTxId: 'BANK-0003/2' },
      { lineNo: 4, bookedOn: '2026-03-02', amountMinor: -500, currency: 'GBP', reference: 'ACCOUNT FEE', counterparty: 'The Bank', bankTxId: 'BANK-0004' },
    ]);
  });

  it('reads a reversal of a credit as money going out', () => {
    const xml = camt053({ a: 'AP-1', b: 'X' }).replace('<Sts>BOOK</Sts>', '<RvslInd>true</RvslInd><Sts>BOOK</Sts>');
    expect(parseCamt053(xml)[0]).toMatchObject({ amountMinor: -25_000 });
  });

  it.each([
    ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Document/>', /DOCTYPE/],
    ['<Document><Other/></Document>', /not a camt\.053 statement/],
    ['<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="GBP">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt></Document>', /entry 1: no booking date/],
    ['<Document><BkToCstmrStmt><Stmt><Ntry><Amt>1.00</Amt><BookgDt><Dt>2026-01-01</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>', /entry 1: no amount with a currency/],
    ['<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="GBP">1.001</Amt><BookgDt><Dt>2026-01-01</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>', /entry 1: amount/],
    ['<Document><BkToCstmrStmt>', /not a readable XML|not a camt/],
  ])('refuses %p', (xml, re) => expect(() => parseCamt053(xml)).toThrow(refused(re)));
});
