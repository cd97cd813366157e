// A real SMTP server for tests and local runs (the `smtp-server` package on a free port): it
// speaks SMTP to nodemailer exactly as a relay would, keeps every message's raw MIME and parses it
// (mailparser) so tests assert on what a recipient's mail client would see.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and every RCPT TO the server accepted. */
  envelope: { mailFrom: string; rcptTo: string[] };
  /** The message exactly as it crossed the wire (DATA). */
  raw: Buffer;
  parsed: ParsedMail;
}

/** An SMTP reply the sink gives instead of accepting, e.g. `{ code: 550, message: '5.1.1 no such user' }`. */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpSinkOptions {
  /** Reply to RCPT TO for this address instead of accepting it (bounces 5xx, greylisting 4xx). */
  rejectRecipient?: (address: string) => SmtpReply | undefined;
  /** Reply to DATA instead of accepting the message (content rejected, mailbox full). */
  rejectData?: (envelope: ReceivedMail['envelope']) => SmtpReply | undefined;
  /** Require AUTH PLAIN/LOGIN with these credentials (over plain TCP: tests only). */
  auth?: { user: string; pass: string };
  /** Default 0: a free port. */
  port?: number;
  /** Called with every accepted message (the local mail catcher prints them). */
  onMessage?: (mail: ReceivedMail) => void;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>` (with the credentials when auth is on): an SMTP_URL. */
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Resolves once `count` messages have arrived in total (rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function replyError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** Starts the sink on 127.0.0.1 (a free port unless `port` is given). */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const address = (a: SMTPServerAddress | false) => (a ? a.address : '');
  const server = new SMTPServer({
    // Plain TCP on loopback: STARTTLS off so nodemailer does not try to upgrade with no certificate.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    size: 25 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      return callback(replyError({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
    },
    onRcptTo(rcpt, _session, callback) {
      const reply = options.rejectRecipient?.(rcpt.address);
      callback(reply ? replyError(reply) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = { mailFrom: address(session.envelope.mailFrom), rcptTo: session.envelope.rcptTo.map((r) => r.address) };
        const reply = options.rejectData?.(envelope);
        if (reply) return callback(replyError(reply));
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const mail = { envelope, raw, parsed };
            messages.push(mail);
            options.onMessage?.(mail);
            for (const w of waiters.splice(0)) w();
            callback(null);
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    waitForMessages(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            clearTimeout(timer);
            resolve(messages.slice());
          } else waiters.push(check);
        };
        const timer = setTimeout(() => reject(new Error(`SMTP sink: ${messages.length} of ${count} messages after ${timeoutMs} ms`)), timeoutMs);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
