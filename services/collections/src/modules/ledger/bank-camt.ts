import { XMLParser } from 'fast-xml-parser';
import { badInput } from '@commonhold/kit/domain';
import { MAX_BYTES, MAX_LINES, parseAmount, type StatementLine } from './bank-statement';

/**
 * Bank statement lines from an ISO 20022 camt.053 (BankToCustomerStatement) file, any version
 * (001.02 to 001.13 differ only in where a few names sit). The mapping (docs/collections.md):
 * one line per transaction detail (`NtryDtls/TxDtls`), or per entry (`Ntry`) without details;
 * only booked entries; credits positive, debits negative.
 */

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd'].includes(name),
});

type Node = Record<string, any>;
const text = (v: unknown): string | null => {
  if (v == null) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'object' && '#text' in (v as Node)) return text((v as Node)['#text']);
  return null;
};
const list = <T>(v: T | T[] | undefined | null): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);
const dateOf = (d: Node | undefined): string | null => {
  const dt = text(d?.Dt) ?? text(d?.DtTm)?.slice(0, 10) ?? null;
  return dt && /^\d{4}-\d{2}-\d{2}$/.test(dt) ? dt : null;
};
const status = (s: unknown): string | null => text(s) ?? text((s as Node | undefined)?.Cd);
const nameOf = (party: Node | undefined): string | null => text(party?.Nm) ?? text(party?.Pty?.Nm);

function remittance(tx: Node | undefined): string | null {
  const rmt = tx?.RmtInf as Node | undefined;
  const parts = [
    ...list(rmt?.Ustrd).map(text),
    ...list(rmt?.Strd).map((s: Node) => text(s?.CdtrRefInf?.Ref)),
    text(tx?.Refs?.EndToEndId) === 'NOTPROVIDED' ? null : text(tx?.Refs?.EndToEndId),
  ].filter((p): p is string => !!p);
  return parts.length ? parts.join(' ').slice(0, 500) : null;
}

/** Parses a camt.053 file; a file that is not one, or an entry without amount, currency or date, refuses the file. */
export function parseCamt053(content: string): StatementLine[] {
  if (Buffer.byteLength(content, 'utf8') > MAX_BYTES) throw badInput('input.content', `the file must be at most ${MAX_BYTES} bytes`);
  // camt files never declare a DOCTYPE; refusing one rules out entity expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(content)) throw badInput('input.content', 'a camt.053 file must not contain a DOCTYPE');
  let doc: Node;
  try {
    doc = parser.parse(content, true) as Node;
  } catch (err) {
    throw badInput('input.content', `not a readable XML file: ${(err as Error).message}`);
  }
  const statements = list(doc?.Document?.BkToCstmrStmt?.Stmt) as Node[];
  if (!statements.length) throw badInput('input.content', 'not a camt.053 statement (no Document/BkToCstmrStmt/Stmt)');
  const lines: StatementLine[] = [];
  let entryNo = 0;
  for (const stmt of statements) {
    for (const ntry of list(stmt.Ntry) as Node[]) {
      entryNo++;
      const where = `entry ${entryNo}`;
      const sts = status(ntry.Sts);
      if (sts && sts !== 'BOOK') continue; // pending or informational entries are not money yet
      const bookedOn = dateOf(ntry.BookgDt) ?? dateOf(ntry.ValDt);
      if (!bookedOn) throw badInput('input.content', `${where}: no booking date`);
      const details = (list(ntry.NtryDtls) as Node[]).flatMap((d) => list(d.TxDtls) as Node[]);
      const txs: (Node | undefined)[] = details.length ? details : [undefined];
      txs.forEach((tx, i) => {
        const amt = tx?.Amt ?? tx?.AmtDtls?.TxAmt?.Amt ?? (txs.length === 1 ? ntry.Amt : undefined);
        const currency = (amt?.['@_Ccy'] ?? '').toUpperCase();
        const value = text(amt);
        if (!value || !currency) throw badInput('input.content', `${where}: no amount with a currency`);
        const abs = parseAmount(value, currency);
        if (abs === null || abs < 0) throw badInput('input.content', `${where}: amount "${value}" is not a decimal amount in ${currency}`);
        const credit = (text(tx?.CdtDbtInd) ?? text(ntry.CdtDbtInd)) === 'CRDT';
        const reversal = text(ntry.RvslInd) === 'true';
        const received = credit !== reversal;
        const bankRef = text(tx?.Refs?.AcctSvcrRef) ?? text(ntry.AcctSvcrRef) ?? text(ntry.NtryRef);
        lines.push({
          lineNo: lines.length + 1,
          bookedOn,
          amountMinor: received ? abs : -abs,
          currency,
          reference: remittance(tx),
          counterparty: (credit ? nameOf(tx?.RltdPties?.Dbtr) : nameOf(tx?.RltdPties?.Cdtr))?.slice(0, 200) ?? null,
          bankTxId: bankRef ? (details.length > 1 && !text(tx?.Refs?.AcctSvcrRef) ? `${bankRef}/${i + 1}` : bankRef).slice(0, 100) : null,
        });
      });
      if (lines.length > MAX_LINES) throw badInput('input.content', `a statement may hold at most ${MAX_LINES} lines`);
    }
  }
  return lines;
}
