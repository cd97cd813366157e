import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface PdfText {
  text: string;
  pages: number;
  /** The document information dictionary (Title, Author, Producer, …). */
  info: Record<string, unknown>;
}

/** The text, page count and metadata of a PDF, extracted with pdf-parse in a child process (tests only). */
export function pdfText(pdf: Buffer): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(__dirname, 'pdf-text-child.mjs')], { maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`pdf-parse failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout) as PdfText);
    });
    child.stdin!.end(pdf);
  });
}
