// Bounces that come back later as mail: a delivery status notification (RFC 3464), carried over
// real SMTP to a bounce mailbox, moves the email's delivery to bounced (or delivered).
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { InMemoryDeliveryStore, InMemoryTemplateSource, Notifier, SmtpEmailSender, parseDeliveryStatusNotification, type DeliveryOutcomeEvent } from '../src';
import { startSmtpSink, type SmtpSink } from '../src/testing';

const TENANT = 't-dsn';

/** A DSN as Postfix writes one: explanation, delivery-status fields, the original's headers. */
function buildDsn(opts: { messageId: string; action: string; status: string; eol?: string; recipients?: string[] }) {
  const eol = opts.eol ?? '\r\n';
  const recipientGroups = (opts.recipients ?? ['zoe@example.org']).flatMap((r) => [
    `Final-Recipient: rfc822; ${r}`,
    `Original-Recipient: rfc822;${r}`,
    `Action: ${opts.action}`,
    `Status: ${opts.status}`,
    'Remote-MTA: dns; mail.example.org',
    `Diagnostic-Code: smtp; 550 ${opts.status} <${r}>: Recipient address rejected:`,
    '    User unknown in virtual mailbox table',
    '',
  ]);
  return [
    'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)',
    'To: bounces@building.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    '\tboundary="8D2C1A.1740823200/mx.example.org"',
    '',
    'This is a MIME-encapsulated message.',
    '',
    '--8D2C1A.1740823200/mx.example.org',
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I\'m sorry to have to inform you that your message could not be delivered.',
    '',
    '--8D2C1A.1740823200/mx.example.org',
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    'X-Postfix-Queue-ID: 8D2C1A',
    'Original-Envelope-Id: env-42',
    'Arrival-Date: Sun,  1 Mar 2026 10:00:00 +0000 (UTC)',
    '',
    ...recipientGroups,
    '--8D2C1A.1740823200/mx.example.org',
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Office <office@building.example>',
    'To: zoe@example.org',
    'Subject: Payment reminder',
    `Message-ID: ${opts.messageId}`,
    '',
    '--8D2C1A.1740823200/mx.example.org--',
    '',
  ].join(eol);
}

describe('email bounces reported later by DSN', () => {
  let relay: SmtpSink;
  let bounceMailbox: SmtpSink;
  let email: SmtpEmailSender;
  let outcomes: DeliveryOutcomeEvent[];
  let sut: Notifier;
  let store: InMemoryDeliveryStore;

  beforeEach(async () => {
    relay = await startSmtpSink();
    bounceMailbox = await startSmtpSink();
    email = new SmtpEmailSender({ url: relay.url, from: 'Office <office@building.example>' });
    outcomes = [];
    store = new InMemoryDeliveryStore();
    sut = new Notifier({
      templates: new InMemoryTemplateSource([{ tenantId: null, name: 'reminder', locale: 'en', subject: 'Payment reminder', text: 'Please pay.' }]),
      platformDefaultLocale: 'en',
      email,
      store,
      onOutcome: (e) => void outcomes.push(e),
    });
  });
  afterEach(async () => {
    email.close();
    await relay.close();
    await bounceMailbox.close();
  });

  /** The remote MTA mails the DSN to our bounce address (null sender, as RFC 5321 requires). */
  async function deliverDsn(raw: string) {
    const before = bounceMailbox.messages.length;
    const mta = nodemailer.createTransport({ url: bounceMailbox.url } as SMTPTransport.Options);
    await mta.sendMail({ envelope: { from: '', to: 'bounces@building.example' }, raw });
    mta.close();
    return (await bounceMailbox.waitForMessages(before + 1)).at(-1)!;
  }

  it('moves the delivery the DSN names to bounced and tells the caller', async () => {
    const sent = await sut.send({ tenantId: TENANT, idempotencyKey: 'run-1/apt-3/email/1', channel: 'email', to: { address: 'zoe@example.org' }, template: { name: 'reminder' }, data: {} });
    expect(sent.status).toBe('sent');
    const dsn = await deliverDsn(buildDsn({ messageId: sent.providerMessageId!, action: 'failed', status: '5.1.1' }));
    expect(dsn.envelope.mailFrom).toBe('');

    const changed = await sut.applyEmailDsn(dsn.raw);
    expect(changed).toHaveLength(1);
    expect(await store.get(TENANT, 'run-1/apt-3/email/1')).toMatchObject({
      status: 'bounced',
      providerStatus: 'failed 5.1.1',
      lastError: { kind: 'permanent', code: 'smtp_dsn_5.1.1', bounce: true },
    });
    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'bounced']);
  });

  it.each([
    ['delayed', '4.4.1', 'sent'],
    ['delivered', '2.0.0', 'delivered'],
    ['failed', '4.4.7', 'failed'], // the remote MTA gave up retrying
  ])('a DSN with action %s (%s) leaves the delivery %s', async (action, status, expected) => {
    const sent = await sut.send({ tenantId: TENANT, idempotencyKey: `k-${action}`, channel: 'email', to: { address: 'zoe@example.org' }, template: { name: 'reminder' }, data: {} });
    await sut.applyEmailDsn(buildDsn({ messageId: sent.providerMessageId!, action, status }));
    expect((await store.get(TENANT, `k-${action}`))?.status).toBe(expected);
  });

  it('ignores a DSN about a message it never sent, and mail that is not a DSN', async () => {
    expect(await sut.applyEmailDsn(buildDsn({ messageId: '<unknown@elsewhere.example>', action: 'failed', status: '5.1.1' }))).toEqual([]);
    expect(await sut.applyEmailDsn('From: a@b.example\r\nTo: c@d.example\r\nSubject: out of office\r\n\r\nI am away.\r\n')).toEqual([]);
    expect(outcomes).toEqual([]);
  });
});

describe('parseDeliveryStatusNotification', () => {
  it('reads the per-message and per-recipient fields, folded lines and LF line ends included', async () => {
    expect(await parseDeliveryStatusNotification(buildDsn({ messageId: '<m1@building.example>', action: 'failed', status: '5.1.1', eol: '\n', recipients: ['a@example.org', 'b@example.org'] }))).toEqual({
      originalMessageId: '<m1@building.example>',
      originalEnvelopeId: 'env-42',
      reportingMta: 'mx.example.org',
      recipients: ['a@example.org', 'b@example.org'].map((r) => ({
        recipient: r,
        action: 'failed',
        status: '5.1.1',
        diagnostic: `550 5.1.1 <${r}>: Recipient address rejected: User unknown in virtual mailbox table`,
      })),
    });
  });
});
