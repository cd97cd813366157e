// Letters as PDF: the produced file is parsed back (pdf-parse, pure JS) and its text, pages and
// metadata checked; the folder sink is checked on a real temporary directory.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLetterSink, renderLetterPdf, type Letter } from '../src/letter/pdf-letter';
import { pdfText } from '../src/testing/pdf-text';

const buildLetter = (overrides: Partial<Letter> = {}): Letter => ({
  sender: { name: 'Διαχείριση Πολυκατοικίας Α.Ε.', lines: ['Οδός Ερμού 12', '105 63 Αθήνα'] },
  recipient: { name: 'Zoë Müller-Łukasiewicz', lines: ['Straße des 17. Juni 4', '10623 Berlin', 'Deutschland'] },
  date: new Date('2026-03-01T10:00:00Z'),
  locale: 'de',
  subject: 'Zahlungserinnerung – Wohnung 3',
  body: 'Sehr geehrte Frau Müller-Łukasiewicz,\n\nbitte überweisen Sie den offenen Betrag von 1.234,56 € bis zum 15. März 2026.\n\nΜε εκτίμηση',
  reference: 'Ref. RUN-7/A-3',
  ...overrides,
});

const parse = pdfText;

describe('renderLetterPdf', () => {
  it('writes the addresses, date, reference, subject and body, non-ASCII included, as extractable text', async () => {
    const pdf = await renderLetterPdf(buildLetter());
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    const { text, pages, info } = await parse(pdf);
    expect(pages).toBe(1);
    for (const expected of [
      'Διαχείριση Πολυκατοικίας Α.Ε. · Οδός Ερμού 12 · 105 63 Αθήνα',
      'Zoë Müller-Łukasiewicz',
      'Straße des 17. Juni 4',
      '10623 Berlin',
      '1. März 2026',
      'Ref. RUN-7/A-3',
      'Zahlungserinnerung – Wohnung 3',
      'bitte überweisen Sie den offenen Betrag von 1.234,56 € bis zum 15. März 2026.',
      'Με εκτίμηση',
      '1 / 1',
    ]) {
      expect(text).toContain(expected);
    }
    expect(info).toMatchObject({ Title: 'Zahlungserinnerung – Wohnung 3', Author: 'Διαχείριση Πολυκατοικίας Α.Ε.', Producer: 'Commonhold notifications' });
  });

  it('flows a long body onto further pages and numbers each', async () => {
    const body = Array.from({ length: 60 }, (_, i) => `Absatz ${i + 1}: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.`).join('\n\n');
    const { text, pages } = await parse(await renderLetterPdf(buildLetter({ body })));
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain('Absatz 60:');
    for (let p = 1; p <= pages; p++) expect(text).toContain(`${p} / ${pages}`);
  });

  it('prints the date in the letter’s locale', async () => {
    const { text } = await parse(await renderLetterPdf(buildLetter({ locale: 'el' })));
    expect(text).toContain('1 Μαρτίου 2026');
  });
});

describe('DirectoryLetterSink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letters-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one file per idempotency key per tenant, and the same key again overwrites it', async () => {
    const sut = new DirectoryLetterSink(dir);
    const pdf = await renderLetterPdf(buildLetter());
    const a = await sut.submit({ idempotencyKey: 'run-7/apt-3/letter/2', tenantId: 't1', pdf, recipient: buildLetter().recipient });
    const again = await sut.submit({ idempotencyKey: 'run-7/apt-3/letter/2', tenantId: 't1', pdf, recipient: buildLetter().recipient });
    const other = await sut.submit({ idempotencyKey: 'run-7/apt-4/letter/2', tenantId: 't1', pdf, recipient: buildLetter().recipient });
    expect(a).toEqual({ ok: true, status: 'sent', providerMessageId: expect.stringMatching(/^t1\/[0-9a-f]{40}\.pdf$/) });
    expect(again).toEqual(a);
    expect(other.ok && other.providerMessageId).not.toBe(a.ok && a.providerMessageId);
    expect((await readdir(join(dir, 't1'))).sort()).toHaveLength(2);
    expect(Buffer.compare(await readFile(join(dir, a.ok ? a.providerMessageId : '')), pdf)).toBe(0);
  });

  it('reports a letter folder that cannot exist (a file in the way) as permanent', async () => {
    await writeFile(join(dir, 'not-a-folder'), 'x');
    const sut = new DirectoryLetterSink(join(dir, 'not-a-folder'));
    expect(await sut.submit({ idempotencyKey: 'k', tenantId: 't1', pdf: Buffer.from('x'), recipient: buildLetter().recipient })).toMatchObject({
      ok: false,
      error: { kind: 'permanent', code: 'letter_enotdir' },
    });
  });
});
