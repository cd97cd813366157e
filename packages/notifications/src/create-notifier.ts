import type { DeliveryStore } from './delivery-store';
import { SmtpEmailSender } from './email/smtp-email';
import { DirectoryLetterSink } from './letter/pdf-letter';
import type { DeliveryMetrics } from './metrics';
import { Notifier, type DeliveryOutcomeEvent } from './notifier';
import { TwilioSmsProvider, twilioStatusCallbackHandler } from './sms/twilio';
import type { TemplateSource } from './templates/template';
import { parsePostalAddress, type NotificationsConfig } from './config';

/**
 * A notifier wired from configuration: SMTP email, Twilio SMS when configured, letters to
 * LETTER_OUTPUT_DIR. `smsStatusCallback` is the route handler to mount at the path of
 * SMS_STATUS_CALLBACK_URL (undefined without Twilio); `close` ends SMTP connections.
 */
export function createNotifierFromConfig(
  cfg: NotificationsConfig,
  deps: { templates: TemplateSource; store?: DeliveryStore; onOutcome?: (e: DeliveryOutcomeEvent) => Promise<void> | void; metrics?: DeliveryMetrics; clock?: () => Date },
) {
  const email = new SmtpEmailSender({ url: cfg.SMTP_URL, from: cfg.MAIL_FROM, timeoutMs: cfg.SMTP_TIMEOUT_MS });
  const twilio =
    cfg.SMS_PROVIDER === 'twilio' && cfg.TWILIO_ACCOUNT_SID && cfg.TWILIO_AUTH_TOKEN && cfg.SMS_FROM
      ? new TwilioSmsProvider({ baseUrl: cfg.TWILIO_BASE_URL, accountSid: cfg.TWILIO_ACCOUNT_SID, authToken: cfg.TWILIO_AUTH_TOKEN, from: cfg.SMS_FROM })
      : undefined;
  const defaultSender = cfg.LETTER_RETURN_ADDRESS ? parsePostalAddress(cfg.LETTER_RETURN_ADDRESS) : undefined;
  const notifier = new Notifier({
    templates: deps.templates,
    platformDefaultLocale: cfg.NOTIFY_DEFAULT_LOCALE,
    email,
    ...(twilio ? { sms: twilio } : {}),
    ...(twilio && cfg.SMS_STATUS_CALLBACK_URL ? { smsStatusCallbackUrl: cfg.SMS_STATUS_CALLBACK_URL } : {}),
    letters: { sink: new DirectoryLetterSink(cfg.LETTER_OUTPUT_DIR), ...(defaultSender ? { defaultSender } : {}) },
    ...(deps.store ? { store: deps.store } : {}),
    ...(deps.onOutcome ? { onOutcome: deps.onOutcome } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const smsStatusCallback =
    twilio && cfg.SMS_STATUS_CALLBACK_URL && cfg.TWILIO_AUTH_TOKEN
      ? twilioStatusCallbackHandler({ authToken: cfg.TWILIO_AUTH_TOKEN, publicUrl: cfg.SMS_STATUS_CALLBACK_URL, onReport: async (r) => void (await notifier.applySmsStatusReport(r)) })
      : undefined;
  return { notifier, smsStatusCallback, close: () => email.close() };
}
