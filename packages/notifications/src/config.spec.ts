import { loadNotificationsConfig, NotificationsConfigError, parsePostalAddress } from './config';

describe('loadNotificationsConfig', () => {
  it('defaults to the embedded platform: a local mail catcher, SMS off, letters under .data', () => {
    expect(loadNotificationsConfig({})).toEqual({
      SMTP_URL: 'smtp://127.0.0.1:1025',
      SMTP_TIMEOUT_MS: 10_000,
      MAIL_FROM: 'Commonhold <no-reply@commonhold.localhost>',
      SMS_PROVIDER: 'none',
      TWILIO_BASE_URL: 'https://api.twilio.com',
      LETTER_OUTPUT_DIR: './.data/letters',
      NOTIFY_DEFAULT_LOCALE: 'en',
    });
  });

  it('accepts a full Twilio set-up', () => {
    const cfg = loadNotificationsConfig({
      SMTP_URL: 'smtps://mailer:pw@smtp.example.org:465',
      MAIL_FROM: 'Hausverwaltung <office@example.org>',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
      TWILIO_AUTH_TOKEN: 'x'.repeat(32),
      SMS_FROM: 'MG' + 'b'.repeat(32),
      SMS_STATUS_CALLBACK_URL: 'https://api.example.org/webhooks/sms/twilio',
      NOTIFY_DEFAULT_LOCALE: 'de-AT',
    });
    expect(cfg).toMatchObject({ SMS_PROVIDER: 'twilio', SMS_FROM: 'MG' + 'b'.repeat(32), NOTIFY_DEFAULT_LOCALE: 'de-AT' });
  });

  it.each([
    ['Twilio without its credentials and sender', { SMS_PROVIDER: 'twilio' }, ['TWILIO_ACCOUNT_SID: required when SMS_PROVIDER=twilio', 'TWILIO_AUTH_TOKEN: required when SMS_PROVIDER=twilio', 'SMS_FROM: required when SMS_PROVIDER=twilio']],
    ['production without a relay', { NODE_ENV: 'production' }, ['SMTP_URL: required in production (the default points at a local mail catcher)']],
    ['a relay URL of another scheme', { SMTP_URL: 'http://mail:25' }, ['SMTP_URL: smtp://… or smtps://…']],
    ['a sender that is not an address', { MAIL_FROM: 'Office' }, ['MAIL_FROM: an address or "Name <address>"']],
    ['an account SID of the wrong shape', { TWILIO_ACCOUNT_SID: 'AC123' }, ['TWILIO_ACCOUNT_SID: AC followed by 32 hex digits']],
    ['an unknown provider', { SMS_PROVIDER: 'carrier-pigeon' }, [expect.stringMatching(/^SMS_PROVIDER: /)]],
  ])('refuses %s, listing every problem', (_name, env, problems) => {
    let err: unknown;
    try {
      loadNotificationsConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotificationsConfigError);
    expect((err as NotificationsConfigError).problems).toEqual(problems);
  });
});

describe('parsePostalAddress', () => {
  it.each([
    ['Hausverwaltung Nord; Hafenstraße 1; 20359 Hamburg', { name: 'Hausverwaltung Nord', lines: ['Hafenstraße 1', '20359 Hamburg'] }],
    ['Only a name', undefined],
    [' ; ', undefined],
  ])('%s', (value, expected) => {
    expect(parsePostalAddress(value)).toEqual(expected);
  });
});
