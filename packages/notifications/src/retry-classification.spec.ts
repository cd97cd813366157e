import { classifyProviderFailure, classifySmtpFailure, type SmtpFailure } from './retry-classification';

describe('classifySmtpFailure', () => {
  it.each<[string, SmtpFailure, { kind: string; code: string; bounce?: boolean }]>([
    ['421 service not available: transient', { code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO', response: '421 4.3.2 try later' }, { kind: 'transient', code: 'smtp_421' }],
    ['450 mailbox busy (greylisting): transient', { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO', response: '450 4.2.0 greylisted' }, { kind: 'transient', code: 'smtp_450' }],
    ['452 insufficient storage: transient', { responseCode: 452, command: 'DATA', response: '452 4.3.1 full' }, { kind: 'transient', code: 'smtp_452' }],
    ['550 at RCPT: a bounce', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no such user' }, { kind: 'permanent', code: 'smtp_550', bounce: true }],
    ['553 mailbox name not allowed at RCPT: a bounce', { responseCode: 553, command: 'RCPT TO', response: '553 bad mailbox' }, { kind: 'permanent', code: 'smtp_553', bounce: true }],
    ['554 5.7.1 content rejected at DATA: permanent, not a bounce', { code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 spam' }, { kind: 'permanent', code: 'smtp_554', bounce: false }],
    ['552 5.2.2 mailbox full after DATA: a bounce (enhanced 5.2.x)', { responseCode: 552, command: 'DATA', response: '552 5.2.2 mailbox full' }, { kind: 'permanent', code: 'smtp_552', bounce: true }],
    ['535 authentication failed: permanent', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 5.7.8 bad credentials' }, { kind: 'permanent', code: 'smtp_535', bounce: false }],
    ['connection refused: transient', { code: 'ECONNECTION', message: 'connect ECONNREFUSED' }, { kind: 'transient', code: 'connection' }],
    ['timeout: transient', { code: 'ETIMEDOUT', message: 'Greeting never received' }, { kind: 'transient', code: 'connection' }],
    ['auth without a reply: permanent', { code: 'EAUTH', message: 'Missing credentials' }, { kind: 'permanent', code: 'smtp_auth' }],
    ['an envelope we built wrongly: permanent', { code: 'EENVELOPE', message: 'No recipients defined' }, { kind: 'permanent', code: 'smtp_envelope' }],
    ['unknown: transient (the caller bounds attempts)', { message: 'something odd' }, { kind: 'transient', code: 'unknown' }],
  ])('%s', (_name, failure, expected) => {
    expect(classifySmtpFailure(failure)).toMatchObject(expected);
  });
});

describe('classifyProviderFailure (Twilio)', () => {
  it.each<[string, { httpStatus?: number; providerCode?: number }, { kind: string; code: string; bounce?: boolean }]>([
    ['no response (network): transient', {}, { kind: 'transient', code: 'connection' }],
    ['429 too many requests: transient', { httpStatus: 429, providerCode: 20429 }, { kind: 'transient', code: 'twilio_20429' }],
    ['500: transient', { httpStatus: 500 }, { kind: 'transient', code: 'http_500' }],
    ['503 with a code: transient', { httpStatus: 503, providerCode: 20503 }, { kind: 'transient', code: 'twilio_20503' }],
    ['401 authenticate (20003): permanent, not a bounce', { httpStatus: 401, providerCode: 20003 }, { kind: 'permanent', code: 'twilio_20003', bounce: false }],
    ['400 invalid To (21211): a bounce', { httpStatus: 400, providerCode: 21211 }, { kind: 'permanent', code: 'twilio_21211', bounce: true }],
    ['400 unsubscribed recipient (21610): a bounce', { httpStatus: 400, providerCode: 21610 }, { kind: 'permanent', code: 'twilio_21610', bounce: true }],
    ['400 not a mobile number (21614): a bounce', { httpStatus: 400, providerCode: 21614 }, { kind: 'permanent', code: 'twilio_21614', bounce: true }],
    ['400 body too long (21617): permanent, not a bounce', { httpStatus: 400, providerCode: 21617 }, { kind: 'permanent', code: 'twilio_21617', bounce: false }],
  ])('%s', (_name, failure, expected) => {
    expect(classifyProviderFailure({ ...failure, message: 'x' })).toMatchObject(expected);
  });
});
