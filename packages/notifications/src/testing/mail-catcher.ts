// A local mail catcher for the embedded platform: listens where SMTP_URL points by default
// (127.0.0.1:1025) and prints each message; `--dir <folder>` also keeps the raw .eml files.
//   node --import tsx packages/notifications/src/testing/mail-catcher.ts [--port 1025] [--dir .data/mail]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSmtpSink } from './smtp-sink';

async function main() {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '1025' }, dir: { type: 'string' } } });
  if (values.dir) mkdirSync(values.dir, { recursive: true });
  let n = 0;
  const sink = await startSmtpSink({
    port: Number(values.port),
    onMessage: (mail) => {
      n += 1;
      const to = mail.envelope.rcptTo.join(', ');
      process.stdout.write(`#${n} ${new Date().toISOString()} ${mail.envelope.mailFrom} → ${to}: ${mail.parsed.subject ?? '(no subject)'} [${mail.parsed.attachments.length} attachment(s)]\n`);
      if (values.dir) writeFileSync(join(values.dir, `${Date.now()}-${n}.eml`), mail.raw);
    },
  });
  process.stdout.write(`mail catcher listening on ${sink.url}\n`);
  const stop = () => void sink.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
