import type { DataSource } from 'typeorm';
import { withTenant } from '@commonhold/kit';
import type { NotificationTemplate, TemplateSource } from '@commonhold/notifications';

/**
 * The reminder shipped for every template key a policy names, in English: a tenant replaces it per
 * key and locale with a row in `dunning_templates`. Variables: owner, unit, building, overdue
 * (minor units), currency, daysPastDue, asOf, attempt.
 */
export const DEFAULT_REMINDER: Omit<NotificationTemplate, 'name' | 'tenantId'> = {
  locale: 'en',
  subject: 'Payment reminder: {{building}}, unit {{unit}}',
  text: [
    'Dear {{owner}},',
    '',
    'Our records show {{money overdue currency}} overdue for unit {{unit}} at {{building}} ({{daysPastDue}} days past due on {{date asOf}}).',
    '',
    'Please pay at your earliest convenience, quoting your payment reference {{paymentReference}}. If you have already paid, please ignore this reminder.',
  ].join('\n'),
  html: '<p>Dear {{owner}},</p><p>Our records show <strong>{{money overdue currency}}</strong> overdue for unit {{unit}} at {{building}} ({{daysPastDue}} days past due on {{date asOf}}).</p><p>Please pay quoting your payment reference <code>{{paymentReference}}</code>. If you have already paid, please ignore this reminder.</p>',
};

/** The template bulk reminders (bulk-ops' REMINDER action) use unless a tenant replaces it. */
export const BULK_REMINDER_TEMPLATE = 'bulk.reminder';

/**
 * The bulk reminder shipped in English. Variables: owner, unit, building, balance (minor units),
 * currency, paymentReference, message (the office's note, may be empty).
 */
export const DEFAULT_BULK_REMINDER: Omit<NotificationTemplate, 'name' | 'tenantId'> = {
  locale: 'en',
  subject: 'Reminder: {{building}}, unit {{unit}}',
  text: [
    'Dear {{owner}},',
    '',
    'The balance of unit {{unit}} at {{building}} is {{money balance currency}}.',
    '{{message}}',
    '',
    'Please quote your payment reference {{paymentReference}} with any payment.',
  ].join('\n'),
  html: '<p>Dear {{owner}},</p><p>The balance of unit {{unit}} at {{building}} is <strong>{{money balance currency}}</strong>.</p><p>{{message}}</p><p>Please quote your payment reference <code>{{paymentReference}}</code> with any payment.</p>',
};

/** Tenant templates from the database, then the shipped default for any key (platform, `en`). */
export class DunningTemplateSource implements TemplateSource {
  constructor(private readonly ds: DataSource) {}

  async find(tenantId: string | null, name: string, locale: string): Promise<NotificationTemplate | undefined> {
    if (tenantId === null) {
      const shipped = name === BULK_REMINDER_TEMPLATE ? DEFAULT_BULK_REMINDER : DEFAULT_REMINDER;
      return locale.toLowerCase() === shipped.locale ? { ...shipped, tenantId: null, name } : undefined;
    }
    const [row] = await withTenant(this.ds, tenantId, (m) =>
      m.query(`SELECT subject, text, html, locale FROM dunning_templates WHERE tenant_id = $1 AND name = $2 AND lower(locale) = lower($3)`, [tenantId, name, locale]),
    );
    return row
      ? {
          tenantId,
          name,
          locale: row.locale,
          text: row.text,
          ...(row.subject ? { subject: row.subject } : {}),
          ...(row.html ? { html: row.html } : {}),
        }
      : undefined;
  }
}
