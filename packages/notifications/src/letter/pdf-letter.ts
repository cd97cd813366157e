// Letters as PDF (pdfkit): an A4 page laid out for a windowed envelope (DIN 5008 form B: the
// return line and the recipient's address in the window), date, subject, body, page numbers.
// DejaVu Sans is embedded so Greek, Cyrillic and every Latin diacritic print as written; the
// fourteen standard PDF fonts only cover WinAnsi.
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { ChannelResult } from '../channel';

export interface PostalAddress {
  name: string;
  /** Street, postcode and town, country: one line each. */
  lines: string[];
}

export interface Letter {
  sender: PostalAddress;
  recipient: PostalAddress;
  /** Printed in the letter's locale, UTC. */
  date: Date;
  locale: string;
  subject: string;
  /** Paragraphs separated by blank lines. */
  body: string;
  /** Printed under the date, e.g. the apartment or the reminder's reference. */
  reference?: string;
}

const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const mm = (v: number) => (v * 72) / 25.4;

/** Renders the letter; the same letter gives the same text (dates come from the letter, not the clock). */
export function renderLetterPdf(letter: Letter): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: mm(27), bottom: mm(25), left: mm(25), right: mm(20) },
      bufferPages: true,
      info: { Title: letter.subject, Author: letter.sender.name, Producer: 'Commonhold notifications', CreationDate: letter.date },
      lang: letter.locale,
      pdfVersion: '1.7',
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', FONT);
    doc.registerFont('bold', FONT_BOLD);

    const left = mm(25);
    const width = doc.page.width - left - mm(20);
    // Return line and recipient block in the envelope window (form B: 45 mm from the top).
    doc.font('body').fontSize(7).text([letter.sender.name, ...letter.sender.lines].join(' · '), left, mm(45), { width: mm(85), lineBreak: false, ellipsis: true });
    doc.fontSize(10).text([letter.recipient.name, ...letter.recipient.lines].join('\n'), left, mm(50.5), { width: mm(85) });

    const date = new Intl.DateTimeFormat(letter.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(letter.date);
    doc.fontSize(10).text(date, left, mm(50.5), { width, align: 'right' });
    if (letter.reference) doc.text(letter.reference, { width, align: 'right' });

    doc.font('bold').fontSize(11).text(letter.subject, left, mm(98.5), { width });
    doc.moveDown(1.2).font('body').fontSize(10.5);
    for (const paragraph of letter.body.split(/\n\s*\n/)) {
      doc.text(paragraph.trim(), { width, align: 'left', lineGap: 2 });
      doc.moveDown(0.8);
    }

    const range = doc.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      doc.switchToPage(range.start + i);
      // Footer below the bottom margin: lift the margin while writing so pdfkit adds no page.
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.font('body').fontSize(8).text(`${i + 1} / ${range.count}`, left, doc.page.height - mm(15), { width, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
  });
}

/** Where rendered letters go to be printed and posted (a print service's API, a folder a mailroom watches). */
export interface LetterSink {
  submit(input: { idempotencyKey: string; tenantId: string; pdf: Buffer; recipient: PostalAddress }): Promise<ChannelResult>;
}

/**
 * Writes each letter to `<dir>/<tenantId>/<sha256(key)>.pdf` (write then rename, so a reader never
 * sees half a file); the same key overwrites the same file. `sent` means handed to the mailroom.
 */
export class DirectoryLetterSink implements LetterSink {
  constructor(private readonly dir: string) {}
  async submit(input: { idempotencyKey: string; tenantId: string; pdf: Buffer; recipient: PostalAddress }): Promise<ChannelResult> {
    const tenantDir = join(this.dir, input.tenantId.replace(/[^A-Za-z0-9_-]/g, '_'));
    const name = `${createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 40)}.pdf`;
    try {
      await mkdir(tenantDir, { recursive: true });
      const tmp = join(tenantDir, `.${name}.${process.pid}.tmp`);
      await writeFile(tmp, input.pdf);
      await rename(tmp, join(tenantDir, name));
      return { ok: true, status: 'sent', providerMessageId: `${tenantDir.slice(this.dir.length + 1)}/${name}` };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
      // A full disk or too many open files may clear; a missing permission or a file in the way will not.
      return { ok: false, error: { kind: ['EACCES', 'EROFS', 'EPERM', 'ENOTDIR', 'EEXIST'].includes(code) ? 'permanent' : 'transient', code: `letter_${code.toLowerCase()}`, message: (e as Error).message } };
    }
  }
}
