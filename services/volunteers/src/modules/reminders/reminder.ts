/** Pure rules of shift reminders. */

/** Statuses reminded: people expected on the shift (not prospects, not waitlisted, not cancelled). */
export const REMINDED_STATUSES = ['CONFIRMED', 'WEB_SIGN_UP'] as const;

/** The window of shift starts a sweep at `now` reminds: after now, at most `leadHours` ahead. */
export function reminderWindow(now: Date, leadHours: number): { from: Date; to: Date } {
  return { from: now, to: new Date(now.getTime() + leadHours * 3_600_000) };
}

/** One reminder per signup and shift start: the notifier's idempotency key. */
export const reminderKey = (signupId: string, startsAt: Date) => `shift-reminder/${signupId}/${startsAt.toISOString()}`;

export const REMINDER_TEMPLATE = 'volunteers.shift.reminder';

/** The platform's default reminder (a tenant may store its own under the same name). */
export const DEFAULT_REMINDER_TEMPLATES = [
  {
    tenantId: null,
    name: REMINDER_TEMPLATE,
    locale: 'en',
    subject: 'Your volunteering shift: {{job}} on {{startsAt}}',
    text: 'Hello {{name}},\n\nthis is a reminder of your shift "{{job}}"{{#if location}} at {{location}}{{/if}}, starting {{startsAt}} (UTC) for {{durationMinutes}} minutes.\n\nThank you for volunteering.',
    html: '<p>Hello {{name}},</p><p>this is a reminder of your shift <b>{{job}}</b>{{#if location}} at {{location}}{{/if}}, starting {{startsAt}} (UTC) for {{durationMinutes}} minutes.</p><p>Thank you for volunteering.</p>',
  },
];
