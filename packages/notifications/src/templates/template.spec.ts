import {
  InMemoryTemplateSource,
  MissingTemplateVariableError,
  TemplateNotFoundError,
  renderTemplate,
  resolveTemplate,
  templateCandidates,
  type NotificationTemplate,
} from './template';

const buildTemplate = (overrides: Partial<NotificationTemplate> = {}): NotificationTemplate => ({
  tenantId: null,
  name: 'dunning.reminder.first',
  locale: 'en',
  subject: 'Reminder for {{apartment}}',
  text: 'Dear {{owner.name}}, {{apartment}} owes {{money amountMinor currency}}.',
  html: '<p>Dear {{owner.name}}, {{apartment}} owes {{money amountMinor currency}}.</p>',
  ...overrides,
});

describe('templateCandidates (fallback chain)', () => {
  it.each([
    [
      'tenant locale → its language → tenant default → platform locale/language → platform default',
      { tenantId: 't1', name: 'x', locale: 'de-AT', tenantDefaultLocale: 'el', platformDefaultLocale: 'en' },
      ['t1/de-AT', 't1/de', 't1/el', 'platform/de-AT', 'platform/de', 'platform/en'],
    ],
    ['no recipient locale: the tenant default is wanted', { tenantId: 't1', name: 'x', tenantDefaultLocale: 'el', platformDefaultLocale: 'en' }, ['t1/el', 'platform/el', 'platform/en']],
    ['nothing but the platform default', { tenantId: 't1', name: 'x', platformDefaultLocale: 'en' }, ['t1/en', 'platform/en']],
    ['duplicates dropped (locale = defaults)', { tenantId: 't1', name: 'x', locale: 'en', tenantDefaultLocale: 'en', platformDefaultLocale: 'en' }, ['t1/en', 'platform/en']],
  ])('%s', (_name, req, expected) => {
    expect(templateCandidates(req).map((c) => `${c.tenantId ?? 'platform'}/${c.locale}`)).toEqual(expected);
  });
});

describe('resolveTemplate', () => {
  const source = new InMemoryTemplateSource([
    buildTemplate({ tenantId: null, locale: 'en', text: 'platform en' }),
    buildTemplate({ tenantId: null, locale: 'de', text: 'platform de' }),
    buildTemplate({ tenantId: 't1', locale: 'el', text: 't1 el' }),
    buildTemplate({ tenantId: 't1', locale: 'de-AT', text: 't1 de-AT' }),
  ]);
  const req = { name: 'dunning.reminder.first', platformDefaultLocale: 'en' };

  it.each([
    ['the tenant template in the exact locale', { tenantId: 't1', locale: 'de-AT', tenantDefaultLocale: 'el' }, 't1 de-AT'],
    ['the tenant default locale before any platform template', { tenantId: 't1', locale: 'fr', tenantDefaultLocale: 'el' }, 't1 el'],
    ['the platform template in the language when the tenant has none', { tenantId: 't2', locale: 'de-CH' }, 'platform de'],
    ['the platform default last', { tenantId: 't2', locale: 'fr' }, 'platform en'],
    ["never another tenant's template", { tenantId: 't2', locale: 'el' }, 'platform en'],
  ])('%s', async (_name, r, text) => {
    expect((await resolveTemplate(source, { ...req, ...r })).text).toBe(text);
  });

  it('names every place it looked when no template exists', async () => {
    const err = await resolveTemplate(source, { ...req, name: 'nope', tenantId: 't1', locale: 'el' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateNotFoundError);
    expect((err as TemplateNotFoundError).message).toBe('No template "nope" for t1/el, platform/el, platform/en');
  });
});

describe('renderTemplate', () => {
  const data = { apartment: 'A-12', owner: { name: 'Zoë <O\'Brien> & Co' }, amountMinor: 123456, currency: 'EUR' };

  it('escapes HTML in the HTML part only, and formats money in the template locale', () => {
    const out = renderTemplate(buildTemplate({ locale: 'de' }), data);
    expect(out.subject).toBe('Reminder for A-12');
    expect(out.text).toBe("Dear Zoë <O'Brien> & Co, A-12 owes 1.234,56\u00a0€.");
    expect(out.html).toBe('<p>Dear Zoë &lt;O&#x27;Brien&gt; &amp; Co, A-12 owes 1.234,56\u00a0€.</p>');
    expect(out.template).toEqual({ tenantId: null, name: 'dunning.reminder.first', locale: 'de' });
  });

  it('uses the currency exponent (JPY has none)', () => {
    expect(renderTemplate(buildTemplate({ text: '{{money amountMinor currency}}', html: undefined, subject: undefined }), { amountMinor: 5000, currency: 'JPY' }).text).toBe('¥5,000');
  });

  it.each([
    ['a top-level variable', { owner: { name: 'x' }, amountMinor: 1, currency: 'EUR' }, 'subject', 'apartment'],
    ['a nested variable, named by its full path', { apartment: 'A', owner: {}, amountMinor: 1, currency: 'EUR' }, 'text', 'owner.name'],
    ['an undefined variable', { apartment: undefined, owner: { name: 'x' }, amountMinor: 1, currency: 'EUR' }, 'subject', 'apartment'],
    ['a null variable (an erased name)', { apartment: 'A', owner: { name: null }, amountMinor: 1, currency: 'EUR' }, 'text', 'owner.name'],
    ['a nested variable whose parent is missing', { apartment: 'A', amountMinor: 1, currency: 'EUR' }, 'text', 'owner.name'],
  ])('refuses %s instead of rendering a blank', (_name, d, part, variable) => {
    let err: unknown;
    try {
      renderTemplate(buildTemplate(), d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingTemplateVariableError);
    expect(err).toMatchObject({ code: 'template_missing_variable', part, variable, templateName: 'dunning.reminder.first' });
  });

  it('lets {{#if}} mark a variable optional', () => {
    const t = buildTemplate({ subject: undefined, html: undefined, text: 'Hi{{#if nickname}} {{nickname}}{{/if}}.' });
    expect(renderTemplate(t, {}).text).toBe('Hi.');
    expect(renderTemplate(t, { nickname: 'Jo' }).text).toBe('Hi Jo.');
  });

  it('refuses a money helper without an integer amount', () => {
    expect(() => renderTemplate(buildTemplate({ subject: undefined, html: undefined, text: '{{money amount currency}}' }), { amount: 12.5, currency: 'EUR' })).toThrow(
      'money: amountMinor must be an integer, got 12.5',
    );
  });

  it('formats dates in UTC in the template locale', () => {
    const t = buildTemplate({ subject: undefined, html: undefined, text: 'due {{date dueOn}}', locale: 'el' });
    expect(renderTemplate(t, { dueOn: '2026-03-01T23:30:00Z' }).text).toBe('due 1 Μαρτίου 2026');
  });
});
