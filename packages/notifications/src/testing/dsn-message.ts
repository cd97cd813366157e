import { randomUUID } from 'node:crypto';

/**
 * A bounce as a receiving MTA writes it (RFC 3464 multipart/report) about the message with
 * `messageId` to `recipient`: what a test posts, signed, to a service's DSN webhook.
 */
export function dsnMessage(messageId: string, recipient: string, action: 'failed' | 'delivered', status: string): string {
  const b = `dsn-${randomUUID()}`;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    'To: no-reply@commonhold.localhost',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '',
    `--${b}`,
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${messageId}`,
    `To: ${recipient}`,
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
}
