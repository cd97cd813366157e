// Templates per tenant and locale (handlebars), the fallback chain that picks one, and rendering
// that refuses a missing variable instead of leaving a blank in a reminder.
import Handlebars from 'handlebars';

/** One template in one locale. `tenantId: null` is the platform default every tenant falls back to. */
export interface NotificationTemplate {
  tenantId: string | null;
  /** Dotted name the caller asks for, e.g. `dunning.reminder.first`. */
  name: string;
  /** BCP 47 tag, e.g. `de-AT`, `el`, `en`. */
  locale: string;
  /** Email subject; a letter's heading. */
  subject?: string;
  /** Email text part; the SMS body; a letter's body (blank lines separate paragraphs). */
  text: string;
  /** Email HTML part; `{{x}}` is HTML-escaped, `{{{x}}}` is not (keep that for trusted markup only). */
  html?: string;
}

/** Where templates live (a table of the calling service, a folder, memory); one lookup, no fallback. */
export interface TemplateSource {
  find(tenantId: string | null, name: string, locale: string): Promise<NotificationTemplate | undefined>;
}

/** Templates held in memory: platform defaults shipped with a service, tests. */
export class InMemoryTemplateSource implements TemplateSource {
  private readonly byKey = new Map<string, NotificationTemplate>();
  constructor(templates: readonly NotificationTemplate[] = []) {
    for (const t of templates) this.put(t);
  }
  put(template: NotificationTemplate): void {
    this.byKey.set(key(template.tenantId, template.name, template.locale), template);
  }
  async find(tenantId: string | null, name: string, locale: string): Promise<NotificationTemplate | undefined> {
    return this.byKey.get(key(tenantId, name, locale));
  }
}
const key = (tenantId: string | null, name: string, locale: string) => `${tenantId ?? '*'}\u0000${name}\u0000${locale.toLowerCase()}`;

export interface TemplateRequest {
  tenantId: string;
  name: string;
  /** The recipient's locale; unset = the tenant's default. */
  locale?: string;
  /** The tenant's default locale, when it has one. */
  tenantDefaultLocale?: string;
  /** The platform's default locale (`NOTIFY_DEFAULT_LOCALE`, `en`). */
  platformDefaultLocale: string;
}

/**
 * The (tenant, locale) pairs tried in order: the tenant's template in the recipient's locale (then
 * its language, `de-AT` → `de`), the tenant's default locale, then the platform's template in the
 * recipient's locale or language, and last the platform default locale. Duplicates dropped.
 */
export function templateCandidates(req: TemplateRequest): Array<{ tenantId: string | null; locale: string }> {
  const wanted = req.locale ?? req.tenantDefaultLocale ?? req.platformDefaultLocale;
  const withLanguage = (locale: string) => {
    const language = locale.split('-')[0]!;
    return language.toLowerCase() === locale.toLowerCase() ? [locale] : [locale, language];
  };
  const tenantLocales = [...withLanguage(wanted), ...(req.tenantDefaultLocale ? withLanguage(req.tenantDefaultLocale) : [])];
  const platformLocales = [...withLanguage(wanted), ...withLanguage(req.platformDefaultLocale)];
  const out: Array<{ tenantId: string | null; locale: string }> = [];
  const seen = new Set<string>();
  for (const [tenantId, locales] of [[req.tenantId, tenantLocales], [null, platformLocales]] as const) {
    for (const locale of locales) {
      const k = `${tenantId ?? '*'}|${locale.toLowerCase()}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push({ tenantId, locale });
      }
    }
  }
  return out;
}

export class TemplateNotFoundError extends Error {
  readonly code = 'template_not_found';
  constructor(
    readonly templateName: string,
    readonly tried: ReadonlyArray<{ tenantId: string | null; locale: string }>,
  ) {
    super(`No template "${templateName}" for ${tried.map((c) => `${c.tenantId ?? 'platform'}/${c.locale}`).join(', ')}`);
    this.name = 'TemplateNotFoundError';
  }
}

export class MissingTemplateVariableError extends Error {
  readonly code = 'template_missing_variable';
  constructor(
    readonly templateName: string,
    readonly locale: string,
    readonly part: 'subject' | 'text' | 'html',
    readonly variable: string,
  ) {
    super(`Template "${templateName}" (${locale}, ${part}) needs variable "${variable}", which the data does not have`);
    this.name = 'MissingTemplateVariableError';
  }
}

/** Walks the fallback chain; the first template found wins. */
export async function resolveTemplate(source: TemplateSource, req: TemplateRequest): Promise<NotificationTemplate> {
  const tried = templateCandidates(req);
  for (const c of tried) {
    const found = await source.find(c.tenantId, req.name, c.locale);
    if (found) return found;
  }
  throw new TemplateNotFoundError(req.name, tried);
}

export interface RenderedMessage {
  subject?: string;
  text: string;
  html?: string;
  /** Which template rendered it (tenant or platform, and the locale actually used). */
  template: { tenantId: string | null; name: string; locale: string };
}

/** A handlebars environment of our own (global helpers of other code cannot leak in). */
function createEngine() {
  const hb = Handlebars.create();
  hb.registerHelper('money', function (this: unknown, amountMinor: unknown, currency: unknown, options: Handlebars.HelperOptions) {
    if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor)) throw new Error(`money: amountMinor must be an integer, got ${String(amountMinor)}`);
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) throw new Error(`money: currency must be an ISO 4217 code, got ${String(currency)}`);
    const locale = (options.data?.root as { __locale?: string } | undefined)?.__locale ?? 'en';
    const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(amountMinor / 10 ** digits);
  });
  hb.registerHelper('date', function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
    const d = typeof value === 'string' || typeof value === 'number' || value instanceof Date ? new Date(value) : undefined;
    if (!d || Number.isNaN(d.getTime())) throw new Error(`date: not a date: ${String(value)}`);
    const locale = (options.data?.root as { __locale?: string } | undefined)?.__locale ?? 'en';
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
  });
  return hb;
}
const engine = createEngine();
const compiled = new Map<string, Handlebars.TemplateDelegate>();
const COMPILED_CACHE_MAX = 500;

function compile(source: string, escapeHtml: boolean): Handlebars.TemplateDelegate {
  const cacheKey = `${escapeHtml ? 'h' : 't'}${source}`;
  let fn = compiled.get(cacheKey);
  if (!fn) {
    // strict: a variable the data lacks throws (handlebars' own check) instead of rendering blank.
    fn = engine.compile(source, { strict: true, noEscape: !escapeHtml });
    if (compiled.size >= COMPILED_CACHE_MAX) compiled.delete(compiled.keys().next().value!);
    compiled.set(cacheKey, fn);
  }
  return fn;
}

/** The variable path at the position handlebars reports (its message names only the last segment). */
function variableAt(source: string, err: { lineNumber?: number; column?: number; message: string }): string {
  const line = err.lineNumber !== undefined ? source.split('\n')[err.lineNumber - 1] : undefined;
  const at = line !== undefined && err.column !== undefined ? /^[\w@.$/[\]-]+/.exec(line.slice(err.column)) : null;
  return at?.[0] ?? /"([^"]+)" not defined/.exec(err.message)?.[1] ?? 'unknown';
}

/** Drops null and undefined members (deeply, plain objects and arrays only): to a template they are missing. */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutEmpty(v)]));
  }
  return value;
}

/**
 * Renders every part of a template. `{{#if x}}` marks a variable optional; any other reference
 * the data lacks — absent, undefined or null (an erased owner's name must not print as a blank) —
 * is a MissingTemplateVariableError naming it. Text parts (subject, text) are not
 * HTML-escaped; the HTML part is.
 */
export function renderTemplate(template: NotificationTemplate, data: Record<string, unknown>): RenderedMessage {
  const root = { ...(withoutEmpty(data) as Record<string, unknown>), __locale: template.locale };
  const part = (which: 'subject' | 'text' | 'html', source: string) => {
    try {
      return compile(source, which === 'html')(root);
    } catch (e) {
      const err = e as { lineNumber?: number; column?: number; message: string };
      if (/ not defined in /.test(err.message)) throw new MissingTemplateVariableError(template.name, template.locale, which, variableAt(source, err));
      throw e;
    }
  };
  return {
    ...(template.subject !== undefined ? { subject: part('subject', template.subject).replace(/\s+/g, ' ').trim() } : {}),
    text: part('text', template.text),
    ...(template.html !== undefined ? { html: part('html', template.html) } : {}),
    template: { tenantId: template.tenantId, name: template.name, locale: template.locale },
  };
}
