// Email over SMTP against a real SMTP server (smtp-server on a free port): the MIME message that
// arrives is parsed and checked as a recipient's client would see it, and the raw bytes are checked
// for the encodings the RFCs require.
import { createServer, type AddressInfo } from 'node:net';
import { SmtpEmailSender, messageIdFor } from '../src/email/smtp-email';
import { startSmtpSink, type SmtpSink } from '../src/testing/smtp-sink';

const FROM = 'Hausverwaltung Müller <office@building.example>';

describe('SmtpEmailSender against a real SMTP server', () => {
  let sink: SmtpSink;
  let sut: SmtpEmailSender;
  beforeEach(async () => {
    sink = await startSmtpSink({
      rejectRecipient: (a) =>
        a === 'gone@example.org' ? { code: 550, message: '5.1.1 <gone@example.org>: user unknown' } : a === 'busy@example.org' ? { code: 450, message: '4.2.0 greylisted, try later' } : undefined,
    });
    sut = new SmtpEmailSender({ url: sink.url, from: FROM });
  });
  afterEach(async () => {
    sut.close();
    await sink.close();
  });

  it('delivers a multipart message with text, HTML, non-ASCII headers and body, and an attachment', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0x00, 0xff, 0x80, 0x0a]), Buffer.from('%%EOF\n')]);
    const result = await sut.send({
      to: 'Zoë Παπαδοπούλου <zoe@example.org>',
      subject: 'Zahlungserinnerung – Wohnung 3 · Υπενθύμιση',
      text: 'Sehr geehrte Frau Παπαδοπούλου,\nbitte überweisen Sie 1.234,56 €.',
      html: '<p>Sehr geehrte Frau Παπαδοπούλου,<br>bitte überweisen Sie <b>1.234,56&nbsp;€</b>.</p>',
      attachments: [{ filename: 'Mahnung-Wohnung-3.pdf', content: pdf, contentType: 'application/pdf' }],
      headers: { 'List-Unsubscribe': '<mailto:office@building.example?subject=unsubscribe>' },
      idSeed: 'tenant-1/run-7/apt-3/email/step-1',
    });

    expect(result).toEqual({ ok: true, status: 'sent', providerMessageId: messageIdFor('tenant-1/run-7/apt-3/email/step-1', FROM) });
    const [mail] = await sink.waitForMessages(1);
    expect(mail!.envelope).toEqual({ mailFrom: 'office@building.example', rcptTo: ['zoe@example.org'] });

    const m = mail!.parsed;
    expect(m.from?.value).toEqual([{ address: 'office@building.example', name: 'Hausverwaltung Müller' }]);
    expect(m.to && !Array.isArray(m.to) ? m.to.value : undefined).toEqual([{ address: 'zoe@example.org', name: 'Zoë Παπαδοπούλου' }]);
    expect(m.subject).toBe('Zahlungserinnerung – Wohnung 3 · Υπενθύμιση');
    expect(m.messageId).toBe(result.ok ? result.providerMessageId : undefined);
    expect(m.messageId).toMatch(/^<[0-9a-f]{40}@building\.example>$/);
    expect(m.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe('List-Unsubscribe: <mailto:office@building.example?subject=unsubscribe>');
    expect(m.text).toBe('Sehr geehrte Frau Παπαδοπούλου,\nbitte überweisen Sie 1.234,56 €.');
    expect(m.html).toBe('<p>Sehr geehrte Frau Παπαδοπούλου,<br>bitte überweisen Sie <b>1.234,56&nbsp;€</b>.</p>');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toMatchObject({ filename: 'Mahnung-Wohnung-3.pdf', contentType: 'application/pdf', size: pdf.length });
    expect(Buffer.compare(m.attachments[0]!.content, pdf)).toBe(0);

    // On the wire: 7-bit-safe headers (RFC 2047 encoded words), a mixed/alternative structure and
    // UTF-8 bodies in a transfer encoding, never raw 8-bit text.
    const raw = mail!.raw.toString('latin1');
    const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(headerBlock).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(headerBlock).toMatch(/^MIME-Version: 1\.0$/m);
    expect(headerBlock).toMatch(/^Content-Type: multipart\/mixed;/m);
    expect(raw).toMatch(/Content-Type: multipart\/alternative;/);
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: (quoted-printable|base64)/);
    expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: (quoted-printable|base64)/);
    expect(raw).toMatch(/Content-Type: application\/pdf; name=Mahnung-Wohnung-3\.pdf\r\nContent-Transfer-Encoding: base64/);
    expect(/[^\x00-\x7f]/.test(raw)).toBe(false);
  });

  it('gives a retried send the same Message-ID (the idempotency key is the seed)', async () => {
    const msg = { to: 'a@example.org', subject: 's', text: 't', idSeed: 'k-1' };
    await sut.send(msg);
    await sut.send(msg);
    await sut.send({ ...msg, idSeed: 'k-2' });
    const mails = await sink.waitForMessages(3);
    expect(mails[0]!.parsed.messageId).toBe(mails[1]!.parsed.messageId);
    expect(mails[2]!.parsed.messageId).not.toBe(mails[0]!.parsed.messageId);
  });

  it('reports a 550 at RCPT TO as a permanent bounce, and the server receives nothing', async () => {
    const result = await sut.send({ to: 'gone@example.org', subject: 's', text: 't' });
    expect(result).toEqual({ ok: false, error: { kind: 'permanent', code: 'smtp_550', bounce: true, message: expect.stringContaining('5.1.1') } });
    expect(sink.messages).toHaveLength(0);
  });

  it('reports greylisting (450) as transient', async () => {
    const result = await sut.send({ to: 'busy@example.org', subject: 's', text: 't' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', code: 'smtp_450' } });
  });

  it('reports content rejected after DATA (554) as permanent, not a bounce', async () => {
    const strict = await startSmtpSink({ rejectData: () => ({ code: 554, message: '5.7.1 message refused' }) });
    const sender = new SmtpEmailSender({ url: strict.url, from: FROM });
    try {
      expect(await sender.send({ to: 'a@example.org', subject: 's', text: 't' })).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'smtp_554', bounce: false } });
    } finally {
      sender.close();
      await strict.close();
    }
  });
});

describe('SmtpEmailSender failures before any message', () => {
  it('reports a relay that is not listening as transient', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const sut = new SmtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: FROM, timeoutMs: 2000 });
    expect(await sut.send({ to: 'a@example.org', subject: 's', text: 't' })).toMatchObject({ ok: false, error: { kind: 'transient', code: 'connection' } });
    sut.close();
  });

  it('authenticates with the credentials in SMTP_URL, and reports wrong ones as permanent', async () => {
    const sink = await startSmtpSink({ auth: { user: 'mailer', pass: 's3cr3t/+' } });
    const good = new SmtpEmailSender({ url: sink.url, from: FROM });
    const bad = new SmtpEmailSender({ url: `smtp://mailer:wrong@127.0.0.1:${sink.port}`, from: FROM });
    try {
      expect(await good.send({ to: 'a@example.org', subject: 'authed', text: 't' })).toMatchObject({ ok: true });
      expect(await bad.send({ to: 'a@example.org', subject: 'nope', text: 't' })).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'smtp_535' } });
      expect(sink.messages.map((m) => m.parsed.subject)).toEqual(['authed']);
    } finally {
      good.close();
      bad.close();
      await sink.close();
    }
  });
});
