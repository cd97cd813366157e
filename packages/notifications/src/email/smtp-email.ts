// Email over SMTP with nodemailer: one message per recipient, a Message-ID derived from the
// delivery's idempotency key (a retried send carries the same id, so receivers and bounce
// processing can match it), failures classified transient or permanent.
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { classifySmtpFailure, type SmtpFailure } from '../retry-classification';
import type { ChannelResult } from '../channel';

export interface EmailAttachment {
  filename: string;
  content: Buffer | string;
  contentType?: string;
}

export interface EmailMessage {
  /** An address, `Name <address>`, or name and address apart (nodemailer encodes a non-ASCII name). */
  to: string | { name: string; address: string };
  /** Defaults to the sender's configured `MAIL_FROM`. */
  from?: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: EmailAttachment[];
  /** Extra headers (e.g. `List-Unsubscribe`); never the ones nodemailer builds. */
  headers?: Record<string, string>;
  /** Seed of the Message-ID: the same seed gives the same id on every try. */
  idSeed?: string;
}

export interface SmtpEmailSenderOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` (implicit TLS); `?pool=true` keeps connections. */
  url: string;
  /** `Name <address>` used when a message has no `from`. */
  from: string;
  /** Connection, greeting and socket timeouts in ms (default 10 s): a hung relay is a transient failure, not a hung run. */
  timeoutMs?: number;
}

/** Deterministic Message-ID: `<hash-of-seed@sender-domain>` (RFC 5322 §3.6.4). */
export function messageIdFor(seed: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'commonhold.invalid';
  return `<${createHash('sha256').update(seed).digest('hex').slice(0, 40)}@${domain}>`;
}

export class SmtpEmailSender {
  private readonly transport: Transporter;
  constructor(private readonly options: SmtpEmailSenderOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport({ url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as SMTPTransport.Options);
  }

  /** Hands one message to the relay; `sent` means the relay accepted it (250 after DATA). */
  async send(message: EmailMessage): Promise<ChannelResult> {
    const from = message.from ?? this.options.from;
    try {
      const info = await this.transport.sendMail({
        from,
        to: message.to,
        replyTo: message.replyTo,
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments: message.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
        headers: message.headers,
        messageId: message.idSeed ? messageIdFor(message.idSeed, from) : undefined,
      });
      return { ok: true, status: 'sent', providerMessageId: info.messageId };
    } catch (e) {
      return { ok: false, error: classifySmtpFailure(e as SmtpFailure) };
    }
  }

  close(): void {
    this.transport.close();
  }
}
