// Reads a PDF on stdin, prints {text, pages, info} as JSON: pdf-parse (pdf.js) needs ES module
// workers, which jest's CommonJS sandbox cannot load, so tests run it in a child node process.
import { PDFParse } from 'pdf-parse';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
try {
  const text = await parser.getText();
  const info = await parser.getInfo();
  process.stdout.write(JSON.stringify({ text: text.text, pages: text.total, info: info.info ?? {} }));
} finally {
  await parser.destroy();
}
