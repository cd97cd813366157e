// Notification settings from the environment, parsed once and validated (zod). A service merges
// `notificationsConfigShape` into its own schema (or calls loadNotificationsConfig) and builds the
// notifier with createNotifierFromConfig. Defaults suit the embedded platform (`npm start`).
import { z } from 'zod';
import type { PostalAddress } from './letter/pdf-letter';

const E164_OR_SENDER = /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32}|[A-Za-z0-9 ]{1,11})$/;

export const notificationsConfigShape = {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; default: a local catcher on 1025 (Mailpit, MailHog, or this package's startSmtpSink). */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'smtp://… or smtps://…').default('smtp://127.0.0.1:1025'),
  /** Connection, greeting and socket timeout towards the relay. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** `Name <address>` or an address: the From of every email unless a message sets its own. */
  MAIL_FROM: z
    .string()
    .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an address or "Name <address>"')
    .default('Commonhold <no-reply@commonhold.localhost>'),
  /** `none` leaves the SMS channel off (a send fails permanently with channel_not_configured). */
  SMS_PROVIDER: z.enum(['none', 'twilio']).default('none'),
  TWILIO_BASE_URL: z.url().default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hex digits').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  /** Sender: an E.164 number, an alphanumeric sender id (≤ 11), or a Messaging Service SID (MG…). */
  SMS_FROM: z.string().regex(E164_OR_SENDER, 'E.164 number, alphanumeric id (≤ 11) or MG… sid').optional(),
  /** Public URL of the status callback route as the provider reaches it (through the gateway); unset = no callbacks. */
  SMS_STATUS_CALLBACK_URL: z.url().optional(),
  /** Where rendered letters (PDF) are written for the mailroom or print service. */
  LETTER_OUTPUT_DIR: z.string().min(1).default('./.data/letters'),
  /** Fallback return address of letters, lines separated by `;` (`Office name; Street 1; 10557 Berlin`); tenants normally pass their own. */
  LETTER_RETURN_ADDRESS: z.string().optional(),
  /** Locale of the platform's default templates, the end of every fallback chain. */
  NOTIFY_DEFAULT_LOCALE: z.string().regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as en or de-AT').default('en'),
};

export const notificationsConfigSchema = z.object(notificationsConfigShape);
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

/** Cross-field rules: Twilio needs its credentials and a sender; production needs a real relay. */
export function notificationsConfigProblems(cfg: NotificationsConfig, env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (cfg.SMS_PROVIDER === 'twilio') {
    for (const k of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SMS_FROM'] as const) if (!cfg[k]) problems.push(`${k}: required when SMS_PROVIDER=twilio`);
  }
  if (env.NODE_ENV === 'production' && !env.SMTP_URL) problems.push('SMTP_URL: required in production (the default points at a local mail catcher)');
  return problems;
}

export class NotificationsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid notification settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'NotificationsConfigError';
  }
}

/** Parses and checks the notification keys of `env`; every problem listed at once. */
export function loadNotificationsConfig(env: Record<string, string | undefined> = process.env): NotificationsConfig {
  const parsed = notificationsConfigSchema.safeParse(env);
  if (!parsed.success) throw new NotificationsConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const problems = notificationsConfigProblems(parsed.data, env);
  if (problems.length) throw new NotificationsConfigError(problems);
  return parsed.data;
}

/** `Name; line; line` → a postal address. */
export function parsePostalAddress(value: string): PostalAddress | undefined {
  const [name, ...lines] = value
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  return name && lines.length ? { name, lines } : undefined;
}
