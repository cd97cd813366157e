import ExcelJS from 'exceljs';
import { escapeFormula, stringifyCsvSafe } from '@commonhold/kit';

/** Pure: a table (header + rows) as CSV or XLSX, every text cell made inert for spreadsheets. */

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_DATASETS = ['balances', 'charges'] as const;
export type ExportDataset = (typeof EXPORT_DATASETS)[number];

export type Cell = string | number | null;
export interface Table {
  header: string[];
  rows: Cell[][];
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** CSV (RFC 4180 through csv-stringify) with formula triggers quoted away (kit `stringifyCsvSafe`). */
export function toCsv(t: Table): Buffer {
  return Buffer.from(stringifyCsvSafe([t.header, ...t.rows]), 'utf8');
}

/**
 * XLSX through exceljs: numbers stay numbers, every text cell is written as text after
 * `escapeFormula`, so a unit named `=HYPERLINK(…)` is shown, never evaluated.
 */
export async function toXlsx(t: Table, sheet: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Commonhold bulk-ops';
  const ws = wb.addWorksheet(sheet);
  ws.addRow(t.header.map(escapeFormula));
  ws.getRow(1).font = { bold: true };
  for (const r of t.rows) ws.addRow(r.map((c) => (typeof c === 'string' ? escapeFormula(c) : c)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function render(t: Table, format: ExportFormat, sheet: string): Promise<Buffer> {
  return format === 'csv' ? toCsv(t) : toXlsx(t, sheet);
}
