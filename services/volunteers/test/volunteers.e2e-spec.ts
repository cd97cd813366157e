// Issue 15 (volunteers) end to end through the gateway over real Kafka: a signed link → a public
// sign-up → fundraising matches or creates the contact (command + answer events) → attendance →
// completed hours → Contact.volunteering through federation; the report; 20 concurrent signups for
// the last place; tenant isolation and bad input on every new mutation.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { publishEvents, withTenant } from '@commonhold/kit';
import { newEvent } from '@commonhold/kit/domain';
import { startSmtpSink, type SmtpSink } from '@commonhold/notifications/testing';
import { reminderWorkerOf } from '../src/modules/reminders';
import { ATTENDANCE, CHANGE_STATUS, RECORD_CONSENT, CREATE_JOB, SCHEDULE, SHIFT, SIGN_UP, SIGNUP, givenShift, idempotencyKey, knownContact, ok, postSignup, refused, signupLink, tenantName, tenantRows } from './support';

let platform: TestPlatform;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  platform = await startTestPlatform({
    transport: 'kafka',
    services: ['identity', 'fundraising', 'volunteers'],
    rateLimit: { tenantPoints: 100_000, ipPoints: 100_000 },
    // The reminder sweep runs when the test says (no cron); deliveries are worked by pg-boss.
    serviceEnv: { volunteers: { SMTP_URL: smtp.url, REMINDER_SCHEDULE_CRON: '' } },
  });
}, 180_000);
afterAll(async () => {
  await platform?.stop();
  await smtp?.close();
});

const VOLUNTEERING = `query($id: ID!) { contact(id: $id) { id firstName lastName email volunteerProfile { status } volunteering { totalHours hoursThisYear firstVolunteeredAt lastVolunteeredAt } } }`;
const REPORT = `query($year: Int!) { volunteerReport(year: $year) { year activeVolunteers churnedVolunteers noShowRate hoursByJobAndMonth { job { id name } month hours } } }`;
const linked = (as: ReturnType<TestPlatform['as']>, signupId: string) =>
  eventually(async () => {
    const s = (await as(SIGNUP, { id: signupId })).data?.volunteerSignup;
    return s?.contact?.id ? (s.contact.id as string) : null;
  }, { timeoutMs: 30_000 });

describe('public sign-up through a signed link', () => {
  it('signs a person up, fundraising creates the contact, attendance completes hours, Contact.volunteering shows them', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { jobId, shiftIds } = await givenShift(as);
    const shiftId = shiftIds[0]!;
    const token = await signupLink(as, shiftId);
    const email = `grace-${randomUUID().slice(0, 8)}@example.org`;

    const r = await postSignup(platform, { token, shiftId, firstName: 'Grace', lastName: 'Hopper', email, postcode: 'SW1A 1AA', consent: { email: true } });
    expect(r).toMatchObject({ status: 201, body: { status: 'WEB_SIGN_UP', waitlisted: false } });
    const signupId = r.body.signupId as string;
    // The link was for one use: replayed (new key), identity refuses it.
    expect((await postSignup(platform, { token, shiftId, firstName: 'Grace', lastName: 'Hopper', email })).body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'used' });

    const contactId = await linked(as, signupId);
    const c = (await ok(as, VOLUNTEERING, { id: contactId })).contact;
    expect(c).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email, volunteerProfile: { status: 'ACTIVE' }, volunteering: { totalHours: 0, hoursThisYear: 0, firstVolunteeredAt: null } });
    // No second person store: once linked, volunteers holds no name, email or phone on the signup.
    const [row] = await tenantRows(platform, 'volunteers', tenant, 'SELECT first_name, last_name, email, phone, postcode, consent_email FROM volunteer_signups WHERE id = $1', [signupId]);
    expect(row).toEqual({ first_name: null, last_name: null, email: null, phone: null, postcode: null, consent_email: true });
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT channel, granted FROM volunteer_consents WHERE contact_id = $1 ORDER BY channel', [contactId])).toEqual([
      { channel: 'email', granted: true },
      { channel: 'sms', granted: false },
    ]);

    await ok(as, CHANGE_STATUS, { input: { signupId, status: 'CONFIRMED', idempotencyKey: idempotencyKey() } });
    const done = await ok(as, ATTENDANCE, { input: { shiftId, entries: [{ signupId, attended: true, hours: 2.5 }], idempotencyKey: idempotencyKey() } });
    expect(done.recordShiftAttendance.signups).toEqual([{ id: signupId, status: 'COMPLETED', hours: 2.5 }]);

    const [shift] = await tenantRows(platform, 'volunteers', tenant, 'SELECT starts_at FROM volunteer_shifts WHERE id = $1', [shiftId]);
    const v = (await ok(as, VOLUNTEERING, { id: contactId })).contact.volunteering;
    const thisYear = new Date(shift!.starts_at).getUTCFullYear() === new Date().getUTCFullYear();
    expect(v).toEqual({ totalHours: 2.5, hoursThisYear: thisYear ? 2.5 : 0, firstVolunteeredAt: new Date(shift!.starts_at).toISOString(), lastVolunteeredAt: new Date(shift!.starts_at).toISOString() });

    const year = new Date(shift!.starts_at).getUTCFullYear();
    const report = (await ok(as, REPORT, { year })).volunteerReport;
    expect(report).toMatchObject({ year, activeVolunteers: 1, churnedVolunteers: 0, noShowRate: 0 });
    expect(report.hoursByJobAndMonth).toEqual([{ job: { id: jobId, name: 'Food bank' }, month: new Date(shift!.starts_at).toISOString().slice(0, 7), hours: 2.5 }]);
  }, 120_000);

  it('matches an existing contact by fundraising duplicate rules, and a redelivered command adds no contact', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const email = `mary-${randomUUID().slice(0, 8)}@example.org`;
    const existing = await knownContact(platform, tenant, { firstName: 'Mary', lastName: 'Seacole', email });
    const { shiftIds } = await givenShift(as);
    const token = await signupLink(as, shiftIds[0]!);
    const r = await postSignup(platform, { token, shiftId: shiftIds[0], firstName: 'M.', lastName: 'Seacole', email: email.toUpperCase() });
    expect(r.status).toBe(201);
    expect(await linked(as, r.body.signupId)).toBe(existing);

    // The same command again (a new event id, the same request id): fundraising answers from its record.
    const [{ match_request_id: requestId }] = (await tenantRows(platform, 'volunteers', tenant, 'SELECT match_request_id FROM volunteer_signups WHERE id = $1', [r.body.signupId])) as [{ match_request_id: string }];
    const other = await withTenant(platform.services.volunteers!.runtime.ds, tenant, (m) =>
      publishEvents(m, platform.registry, tenant, [newEvent('commonhold.volunteers.contact-match.requested.v1', requestId, { requestId, firstName: 'Other', lastName: 'Person', email: `x-${requestId}@example.org`, phone: null, postcode: null, requestedAt: new Date().toISOString() }, requestId)]),
    );
    await eventually(async () => (await tenantRows(platform, 'fundraising', tenant, 'SELECT 1 FROM inbox WHERE event_id = ANY($1)', [other])).length > 0, { timeoutMs: 30_000 });
    expect(await tenantRows(platform, 'fundraising', tenant, `SELECT id FROM contacts WHERE lower(email) = $1 OR last_name = 'Person'`, [email])).toEqual([{ id: existing }]);
  }, 120_000);

  it('replays a sign-up under its idempotency key without spending the link again; a postcode fundraising refuses is left out', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { shiftIds } = await givenShift(as);
    const shiftId = shiftIds[0]!;
    const token = await signupLink(as, shiftId, 2);
    const body = { token, shiftId, firstName: 'Alan', lastName: 'Turing', email: `alan-${randomUUID().slice(0, 8)}@example.org`, postcode: 'NOT A POSTCODE', idempotencyKey: idempotencyKey() };
    const first = await postSignup(platform, body);
    const again = await postSignup(platform, body);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT id FROM volunteer_signups')).toEqual([{ id: first.body.signupId }]);
    const contactId = await linked(as, first.body.signupId);
    expect((await ok(as, `query($id: ID!) { contact(id: $id) { lastName address { postcode } } }`, { id: contactId })).contact).toEqual({ lastName: 'Turing', address: null });
    // The replay spent no use: the link's second use still signs someone up.
    expect((await postSignup(platform, { ...body, email: `other-${body.email}`, idempotencyKey: idempotencyKey() })).status).toBe(201);
  }, 120_000);

  it('refuses bad links and bad forms with typed errors, writing nothing', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { shiftIds } = await givenShift(as);
    const [a, b] = [shiftIds[0]!, (await givenShift(as)).shiftIds[0]!];
    const token = await signupLink(as, a);
    const form = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' };
    const err = async (body: Record<string, unknown>) => {
      const r = await postSignup(platform, body);
      return { status: r.status, ...r.body.errors[0].extensions };
    };
    expect(await err({ ...form, token: 'not.a.token', shiftId: a })).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await err({ ...form, token, shiftId: b })).toMatchObject({ status: 403, code: 'FORBIDDEN', reason: 'subject' });
    expect(await err({ ...form, token, shiftId: a, firstName: '' })).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'firstName' });
    expect(await err({ ...form, token, shiftId: a, email: 'nope' })).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', field: 'email' });
    expect(await err({ ...form, shiftId: a })).toMatchObject({ status: 400, field: 'token' });
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT id FROM volunteer_signups')).toEqual([]);
    // Bad forms spent no use of the link: it still signs up once.
    expect((await postSignup(platform, { ...form, token, shiftId: a })).status).toBe(201);
  }, 120_000);
});

describe('shift reminders', () => {
  it('emails a reminder once through packages/notifications, only with email consent', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { shiftIds } = await givenShift(as, { startsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(), capacity: 5 });
    const shiftId = shiftIds[0]!;
    const email = `rem-${randomUUID().slice(0, 8)}@example.org`;
    const r = await postSignup(platform, { token: await signupLink(as, shiftId), shiftId, firstName: 'Rosa', lastName: 'Parks', email, consent: { email: true } });
    await linked(as, r.body.signupId);
    // A contact signed up by staff has given no email consent here: no email.
    const silent = (await ok(as, SIGN_UP, { input: { shiftId, contactId: await knownContact(platform, tenant, { email: `no-${email}` }), idempotencyKey: idempotencyKey() } })).signUpForShift.signup.id;
    // Consent recorded by a coordinator counts the same.
    const consented = await knownContact(platform, tenant, { email: `staff-${email}` });
    const given = await ok(as, RECORD_CONSENT, { input: { contactId: consented, channel: 'EMAIL', granted: true, idempotencyKey: idempotencyKey() } });
    expect(given.recordVolunteerConsent.contact.volunteerConsents).toEqual([{ channel: 'EMAIL', granted: true, source: 'staff:user-of-' + tenant }]);
    const staffSignup = (await ok(as, SIGN_UP, { input: { shiftId, contactId: consented, idempotencyKey: idempotencyKey() } })).signUpForShift.signup.id;
    const before = smtp.messages.length;
    const worker = await reminderWorkerOf(platform.services.volunteers!.runtime);
    expect((await worker.sweep()).sort()).toEqual([r.body.signupId, silent, staffSignup].sort());
    const mails = await smtp.waitForMessages(before + 2, 20_000);
    expect(mails.filter((m) => m.envelope.rcptTo.includes(`staff-${email}`))).toHaveLength(1);
    const mine = mails.filter((m) => m.envelope.rcptTo.includes(email));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.parsed.subject).toContain('Food bank');
    await eventually(async () => (await tenantRows(platform, 'volunteers', tenant, 'SELECT reminder_status FROM volunteer_signups WHERE id = $1', [silent]))[0]?.reminder_status === 'skipped', { timeoutMs: 20_000 });
    await eventually(async () => (await tenantRows(platform, 'volunteers', tenant, 'SELECT reminder_status FROM volunteer_signups WHERE id = $1', [r.body.signupId]))[0]?.reminder_status === 'sent', { timeoutMs: 20_000 });
    // The staff signup's delivery records its outcome after the mail leaves: wait for it too.
    await eventually(async () => (await tenantRows(platform, 'volunteers', tenant, 'SELECT reminder_status FROM volunteer_signups WHERE id = $1', [staffSignup]))[0]?.reminder_status === 'sent', { timeoutMs: 20_000 });
    // Swept again: nothing is due, nothing is sent twice.
    expect(await worker.sweep()).toEqual([]);
    // A duplicate delivery job (two schedulers racing) finds the reminder sent and sends nothing.
    expect(await worker.deliver(tenant, r.body.signupId)).toBe('done');
    expect(await worker.deliver(tenant, staffSignup)).toBe('done');
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes(`staff-${email}`))).toHaveLength(1);
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes(email))).toHaveLength(1);
    expect(smtp.messages.some((m) => m.envelope.rcptTo.includes(`no-${email}`))).toBe(false);
  }, 120_000);
});

describe('erasure', () => {
  it('contact.erased erases the volunteer personal data (names, email, consents) and keeps the hours', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { shiftIds } = await givenShift(as);
    const shiftId = shiftIds[0]!;
    const r = await postSignup(platform, { token: await signupLink(as, shiftId), shiftId, firstName: 'Erin', lastName: 'Brock', email: `erin-${randomUUID().slice(0, 8)}@example.org`, phone: '+44 7700 900123', consent: { email: true, sms: true } });
    const contactId = await linked(as, r.body.signupId);
    await ok(as, ATTENDANCE, { input: { shiftId, entries: [{ signupId: r.body.signupId, attended: true, hours: 3 }], idempotencyKey: idempotencyKey() } });
    await ok(as, `mutation($input: EraseContactInput!) { eraseContact(input: $input) { contact { id } } }`, { input: { contactId, reason: 'GDPR request', idempotencyKey: idempotencyKey() } });
    await eventually(async () => (await tenantRows(platform, 'volunteers', tenant, 'SELECT 1 FROM known_contacts WHERE contact_id = $1 AND erased_at IS NOT NULL', [contactId])).length > 0, { timeoutMs: 30_000 });
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT first_name, last_name, email FROM known_contacts WHERE contact_id = $1', [contactId])).toEqual([{ first_name: '', last_name: '', email: null }]);
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT * FROM volunteer_consents WHERE contact_id = $1', [contactId])).toEqual([]);
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT first_name, email, phone, postcode, status, minutes FROM volunteer_signups WHERE contact_id = $1', [contactId])).toEqual([
      { first_name: null, email: null, phone: null, postcode: null, status: 'COMPLETED', minutes: 180 },
    ]);
  }, 120_000);
});

describe('capacity', () => {
  it('never exceeds capacity: 20 concurrent signups for the last place → one place, 19 waitlisted', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { shiftIds } = await givenShift(as, { capacity: 3 });
    const shiftId = shiftIds[0]!;
    const contacts: string[] = [];
    for (let i = 0; i < 22; i++) contacts.push(await knownContact(platform, tenant, { firstName: `V${i}`, lastName: 'Crowd' }));
    for (const contactId of contacts.slice(0, 2)) await ok(as, SIGN_UP, { input: { shiftId, contactId, idempotencyKey: idempotencyKey() } });
    const results = await Promise.all(contacts.slice(2).map((contactId) => ok(as, SIGN_UP, { input: { shiftId, contactId, idempotencyKey: idempotencyKey() } })));
    const waiting = results.map((r) => r.signUpForShift.signup.waitlisted as boolean);
    expect(waiting.filter((w) => !w)).toHaveLength(1);
    expect(waiting.filter((w) => w)).toHaveLength(19);
    const shift = (await ok(as, SHIFT, { id: shiftId })).volunteerShift;
    expect(shift).toMatchObject({ capacity: 3, placesTaken: 3 });

    // A cancellation frees a place: the oldest waiting signup takes it, and capacity still holds.
    const holder = shift.signups.edges.find((e: any) => !e.node.waitlisted).node.id;
    await ok(as, CHANGE_STATUS, { input: { signupId: holder, status: 'CANCELED', idempotencyKey: idempotencyKey() } });
    const after = (await ok(as, SHIFT, { id: shiftId })).volunteerShift;
    expect(after.placesTaken).toBe(3);
    const firstWaiting = results.map((r) => r.signUpForShift.signup).filter((x) => x.waitlisted);
    const [oldest] = await tenantRows(platform, 'volunteers', tenant, 'SELECT id FROM volunteer_signups WHERE shift_id = $1 AND id = ANY($2) ORDER BY created_at, id LIMIT 1', [shiftId, firstWaiting.map((x) => x.id)]);
    expect((await ok(as, SIGNUP, { id: oldest!.id })).volunteerSignup).toMatchObject({ status: 'CONFIRMED', waitlisted: false });
    const counts = await tenantRows(platform, 'volunteers', tenant, `SELECT count(*)::int AS n FROM volunteer_signups WHERE shift_id = $1 AND status IN ('CONFIRMED','WEB_SIGN_UP','COMPLETED') AND NOT waitlisted`, [shiftId]);
    expect(counts).toEqual([{ n: 3 }]);
  }, 180_000);
});

describe('rules, isolation and bad input on every mutation', () => {
  it('applies the V4S rules through the API', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { shiftIds } = await givenShift(as, { recurrence: 'FREQ=WEEKLY;COUNT=3' });
    expect(shiftIds).toHaveLength(3);
    const contactId = await knownContact(platform, tenant);
    const s = (await ok(as, SIGN_UP, { input: { shiftId: shiftIds[0], contactId, status: 'PROSPECT', idempotencyKey: idempotencyKey() } })).signUpForShift.signup;
    expect(await refused(as, CHANGE_STATUS, { input: { signupId: s.id, status: 'COMPLETED', hours: 2, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
    await ok(as, CHANGE_STATUS, { input: { signupId: s.id, status: 'CONFIRMED', idempotencyKey: idempotencyKey() } });
    expect(await refused(as, CHANGE_STATUS, { input: { signupId: s.id, status: 'COMPLETED', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.hours' });
    const noShow = await ok(as, ATTENDANCE, { input: { shiftId: shiftIds[0], entries: [{ signupId: s.id, attended: false }], idempotencyKey: idempotencyKey() } });
    expect(noShow.recordShiftAttendance.signups[0]).toMatchObject({ status: 'NO_SHOW', hours: null });
    expect(await refused(as, SIGN_UP, { input: { shiftId: shiftIds[0], contactId, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'CONFLICT', field: 'input.contactId' });
  }, 120_000);

  it('does not let another tenant see or change a shift, a job or a signup', async () => {
    const tenantA = tenantName('vol-a');
    const a = platform.as(tenantA);
    const tenantB = tenantName('vol-b');
    const b = platform.as(tenantB);
    const { jobId, shiftIds } = await givenShift(a);
    const signupA = (await ok(a, SIGN_UP, { input: { shiftId: shiftIds[0], contactId: await knownContact(platform, tenantA), idempotencyKey: idempotencyKey() } })).signUpForShift.signup.id;
    const contactB = await knownContact(platform, tenantB);
    expect((await ok(b, SHIFT, { id: shiftIds[0] })).volunteerShift).toBeNull();
    expect((await ok(b, SIGNUP, { id: signupA })).volunteerSignup).toBeNull();
    expect(await refused(b, SCHEDULE, { input: { jobId, startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 1, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.jobId' });
    expect(await refused(b, SIGN_UP, { input: { shiftId: shiftIds[0], contactId: contactB, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.shiftId' });
    expect(await refused(b, CHANGE_STATUS, { input: { signupId: signupA, status: 'CANCELED', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.signupId' });
    expect(await refused(b, ATTENDANCE, { input: { shiftId: shiftIds[0], entries: [{ signupId: signupA, attended: true }], idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.shiftId' });
    const contactOfA = (await ok(a, SIGNUP, { id: signupA })).volunteerSignup.contact.id;
    expect(await refused(b, RECORD_CONSENT, { input: { contactId: contactOfA, channel: 'SMS', granted: true, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.contactId' });
    // A's link cannot open B's shift: the link's tenant is the one acted in.
    const bShift = (await givenShift(b)).shiftIds[0]!;
    const linkA = await signupLink(a, bShift);
    const r = await postSignup(platform, { token: linkA, shiftId: bShift, firstName: 'Eve', lastName: 'Cross', email: 'eve@example.org' });
    expect(r).toMatchObject({ status: 404, body: { errors: [{ extensions: { code: 'NOT_FOUND', field: 'shiftId' } }] } });
    expect((await ok(a, SIGNUP, { id: signupA })).volunteerSignup).toMatchObject({ status: 'CONFIRMED' });
  }, 120_000);

  it('refuses bad input on every new mutation naming the field, writing nothing', async () => {
    const tenant = tenantName('vol');
    const as = platform.as(tenant);
    const { jobId, shiftIds } = await givenShift(as);
    const contactId = await knownContact(platform, tenant);
    const signupId = (await ok(as, SIGN_UP, { input: { shiftId: shiftIds[0], contactId, idempotencyKey: idempotencyKey() } })).signUpForShift.signup.id;
    const k = () => idempotencyKey();
    const cases: [string, Record<string, unknown>, string, string][] = [
      [CREATE_JOB, { name: ' ', idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.name'],
      [RECORD_CONSENT, { contactId: randomUUID(), channel: 'EMAIL', granted: true, idempotencyKey: k() }, 'NOT_FOUND', 'input.contactId'],
      [CREATE_JOB, { name: 'x', skills: [''], idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.skills.0'],
      [SCHEDULE, { jobId, startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 0, idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.capacity'],
      [SCHEDULE, { jobId, startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 1, recurrence: 'FREQ=DAILY', idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.recurrence'],
      [SCHEDULE, { jobId: 'nope', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 1, idempotencyKey: k() }, 'NOT_FOUND', 'input.jobId'],
      [SIGN_UP, { shiftId: shiftIds[0], contactId, status: 'COMPLETED', idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.status'],
      [SIGN_UP, { shiftId: shiftIds[0], contactId: randomUUID(), idempotencyKey: k() }, 'NOT_FOUND', 'input.contactId'],
      [CHANGE_STATUS, { signupId, status: 'COMPLETED', hours: 25, idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.hours'],
      [CHANGE_STATUS, { signupId: 'x', status: 'CANCELED', idempotencyKey: k() }, 'NOT_FOUND', 'input.signupId'],
      [ATTENDANCE, { shiftId: shiftIds[0], entries: [], idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.entries'],
      [ATTENDANCE, { shiftId: shiftIds[0], entries: [{ signupId, attended: true, hours: 0 }], idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.entries.0.hours'],
      [ATTENDANCE, { shiftId: shiftIds[0], entries: [{ signupId, attended: true }, { signupId, attended: false }], idempotencyKey: k() }, 'BAD_USER_INPUT', 'input.entries.1.signupId'],
    ];
    for (const [q, input, code, field] of cases) expect({ input, ...(await refused(as, q, { input })) }).toMatchObject({ input, code, field });
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT status, minutes FROM volunteer_signups')).toEqual([{ status: 'CONFIRMED', minutes: null }]);
    expect(await tenantRows(platform, 'volunteers', tenant, 'SELECT count(*)::int AS n FROM volunteer_jobs')).toEqual([{ n: 1 }]);
  }, 120_000);

  it('requires the volunteer permissions (a fundraiser reads but does not run shifts)', async () => {
    const tenant = tenantName('vol');
    const fundraiser = platform.as(tenant, { roles: ['fundraiser'] });
    expect(await refused(fundraiser, CREATE_JOB, { input: { name: 'x', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN' });
    const coordinator = platform.as(tenant, { roles: ['volunteer_coordinator'] });
    await givenShift(coordinator);
  }, 60_000);
});
