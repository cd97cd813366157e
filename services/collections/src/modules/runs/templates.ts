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

/** Tenant templates from the database, then the shipped default for any key (platform, `en`). */
export class DunningTemplateSource implements TemplateSource {
  constructor(private readonly ds: DataSource) {}

  async find(tenantId: string | null, name: string, locale: string): Promise<NotificationTemplate | undefined> {
    if (tenantId === null) return locale.toLowerCase() === DEFAULT_REMINDER.locale ? { ...DEFAULT_REMINDER, tenantId: null, name } : undefined;
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
