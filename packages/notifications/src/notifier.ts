// The delivery model: send(message) renders the tenant's template and hands the message to its
// channel once per idempotency key, keeps a delivery record, and reports each outcome (sent,
// delivered, bounced, failed) to the caller's callback, which links it to its own record (e.g.
// collections' DunningEvent). Provider reports that arrive later (SMS status callbacks, bounces)
// move the same record forward through applyProviderReport.
import { createHash } from 'node:crypto';
import type { ChannelResult } from './channel';
import { advanceStatus, OUTCOMES, type Channel, type DeliveryError, type DeliveryStatus, type Outcome } from './delivery-status';
import { InMemoryDeliveryStore, type DeliveryRecord, type DeliveryStore } from './delivery-store';
import { dsnRecipientStatus, parseDeliveryStatusNotification } from './email/dsn';
import type { EmailAttachment, EmailMessage } from './email/smtp-email';
import { renderLetterPdf, type LetterSink, type PostalAddress } from './letter/pdf-letter';
import type { DeliveryMetrics } from './metrics';
import type { SmsProvider, SmsStatusReport } from './sms/sms-provider';
import { MissingTemplateVariableError, renderTemplate, resolveTemplate, TemplateNotFoundError, type RenderedMessage, type TemplateSource } from './templates/template';

interface MessageBase {
  tenantId: string;
  /** Stable across retries and unique per intended message, e.g. `<runId>/<apartmentId>/<channel>/<step>`. */
  idempotencyKey: string;
  template: { name: string; locale?: string; tenantDefaultLocale?: string };
  data: Record<string, unknown>;
  /** Handed back with every outcome, e.g. `{ dunningEventId }`. */
  correlation?: Record<string, string>;
}
export type NotificationMessage =
  | (MessageBase & { channel: 'email'; to: { address: string; name?: string }; from?: string; replyTo?: string; attachments?: EmailAttachment[] })
  | (MessageBase & { channel: 'sms'; to: { phone: string } })
  | (MessageBase & { channel: 'letter'; to: PostalAddress; sender?: PostalAddress; reference?: string });

/** One outcome of one delivery, as the caller's callback receives it. */
export interface DeliveryOutcomeEvent {
  outcome: Outcome;
  record: DeliveryRecord;
}

/** Anything that sends an email message (SmtpEmailSender, or a test double of the caller's). */
export interface EmailSender {
  send(message: EmailMessage): Promise<ChannelResult>;
}

export interface NotifierOptions {
  templates: TemplateSource;
  platformDefaultLocale: string;
  email?: EmailSender;
  sms?: SmsProvider;
  /**
   * Public URL of the SMS status callback route (SMS_STATUS_CALLBACK_URL). Each message's callback
   * carries `?d=<reference>` naming its delivery, so a report that outruns the send still finds it.
   */
  smsStatusCallbackUrl?: string;
  letters?: { sink: LetterSink; defaultSender?: PostalAddress };
  store?: DeliveryStore;
  /**
   * Told every outcome at least once (again after it throws, on the next send or report touching
   * the record), so it must be idempotent by (idempotencyKey, outcome).
   */
  onOutcome?: (event: DeliveryOutcomeEvent) => Promise<void> | void;
  metrics?: DeliveryMetrics;
  clock?: () => Date;
  /** A `pending` record older than this belongs to a sender that died; another may take it over (default 10 min). */
  staleAfterMs?: number;
}

export class NotificationInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationInputError';
  }
}

export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency key "${idempotencyKey}" was already used for another message (channel, recipient or template differ)`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/**
 * The conventional idempotency key of one reminder: `<runId>/<apartmentId>/<channel>/<step>`.
 * Parts must not contain `/`, so two different reminders can never share a key.
 */
export function deliveryKey(parts: { runId: string; apartmentId: string; channel: Channel; step: number | string }): string {
  const values = [parts.runId, parts.apartmentId, parts.channel, String(parts.step)];
  const bad = values.find((v) => v === '' || v.includes('/'));
  if (bad !== undefined) throw new NotificationInputError('idempotencyKey', `a key part must be non-empty and without "/": ${JSON.stringify(bad)}`);
  return values.join('/');
}

/** The query parameter of an SMS status callback URL that names the delivery. */
export const DELIVERY_REFERENCE_PARAM = 'd';

/** `base64url(JSON [tenantId, idempotencyKey])`: the delivery a provider report is about. */
export function deliveryReference(tenantId: string, idempotencyKey: string): string {
  return Buffer.from(JSON.stringify([tenantId, idempotencyKey])).toString('base64url');
}

export function parseDeliveryReference(reference: string): { tenantId: string; idempotencyKey: string } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(reference, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { tenantId: v[0], idempotencyKey: v[1] };
  } catch {
    // not ours
  }
  return undefined;
}

/** A report from a provider about one delivery (an SMS status callback, a bounce). */
export interface ProviderReport {
  channel: Channel;
  provider: string;
  providerMessageId: string;
  /** Ours; undefined when the provider's status says nothing new. */
  status: DeliveryStatus | undefined;
  providerStatus?: string;
  errorCode?: string;
  /** The `d` parameter of the callback URL (authenticated by the provider's signature over the URL). */
  reference?: string;
}

function recipientOf(m: NotificationMessage): string {
  if (m.channel === 'email') return m.to.address;
  if (m.channel === 'sms') return m.to.phone;
  return [m.to.name, ...m.to.lines].join(', ');
}

function validate(m: NotificationMessage): void {
  if (typeof m.tenantId !== 'string' || m.tenantId.trim() === '') throw new NotificationInputError('tenantId', 'tenantId is required');
  if (typeof m.idempotencyKey !== 'string' || m.idempotencyKey.trim() === '' || m.idempotencyKey.length > 200) throw new NotificationInputError('idempotencyKey', 'idempotencyKey is required (1–200 characters)');
  if (!['email', 'sms', 'letter'].includes(m.channel)) throw new NotificationInputError('channel', `unknown channel ${String(m.channel)}`);
  if (!m.template?.name) throw new NotificationInputError('template.name', 'template.name is required');
  if (m.channel === 'email' && !/^[^\s@<>]+@[^\s@<>]+$/.test(m.to?.address ?? '')) throw new NotificationInputError('to.address', `not an email address: ${String(m.to?.address)}`);
  if (m.channel === 'sms' && !m.to?.phone) throw new NotificationInputError('to.phone', 'to.phone is required');
  if (m.channel === 'letter' && (!m.to?.name || !m.to.lines?.length)) throw new NotificationInputError('to', 'a letter needs a recipient name and address lines');
}

const failure = (code: string, message: string, kind: DeliveryError['kind'] = 'permanent'): ChannelResult => ({ ok: false, error: { kind, code, message } });

const MAX_WRITE_RETRIES = 8;

export class Notifier {
  private readonly store: DeliveryStore;
  private readonly clock: () => Date;
  constructor(private readonly options: NotifierOptions) {
    this.store = options.store ?? new InMemoryDeliveryStore();
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Sends once per (tenantId, idempotencyKey). A key already sent, delivered, bounced or failed
   * returns its record without sending; a `deferred` one (transient failure) is tried again. The
   * returned record's status says what happened: `deferred` asks the caller to retry later.
   */
  async send(message: NotificationMessage): Promise<DeliveryRecord> {
    validate(message);
    const now = this.clock();
    const recipient = recipientOf(message);
    const fingerprint = createHash('sha256').update(`${message.channel}\u0000${recipient}\u0000${message.template.name}`).digest('hex');
    const candidate: DeliveryRecord = {
      tenantId: message.tenantId,
      idempotencyKey: message.idempotencyKey,
      channel: message.channel,
      status: 'pending',
      recipient,
      fingerprint,
      provider: this.providerOf(message.channel),
      attempts: 1,
      ...(message.correlation ? { correlation: message.correlation } : {}),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const { record, claimed } = await this.store.claim(candidate, new Date(now.getTime() - (this.options.staleAfterMs ?? 10 * 60_000)));
    if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(message.idempotencyKey);
    if (!claimed) return this.reportOwed(record);

    let rendered: RenderedMessage | undefined;
    let result: ChannelResult;
    try {
      const template = await resolveTemplate(this.options.templates, {
        tenantId: message.tenantId,
        name: message.template.name,
        locale: message.template.locale,
        tenantDefaultLocale: message.template.tenantDefaultLocale,
        platformDefaultLocale: this.options.platformDefaultLocale,
      });
      rendered = renderTemplate(template, message.data);
      result = await this.dispatch(message, rendered);
    } catch (e) {
      if (e instanceof TemplateNotFoundError || e instanceof MissingTemplateVariableError) result = failure(e.code, e.message);
      else if (e instanceof Error && /^(money|date): /.test(e.message)) result = failure('template_bad_value', e.message);
      else result = failure('unknown', (e as Error).message, 'transient');
    }

    const written = await this.mutate(record, (r) => {
      const next: DeliveryRecord = { ...r };
      if (rendered) next.template = rendered.template;
      if (result.ok) {
        // A provider report may have come first (an SMS callback racing the response): never go back.
        next.status = advanceStatus(r.status, result.status);
        next.providerMessageId = result.providerMessageId;
        delete next.lastError;
      } else {
        next.status = advanceStatus(r.status, result.error.kind === 'transient' ? 'deferred' : result.error.bounce ? 'bounced' : 'failed');
        next.lastError = result.error;
      }
      return next;
    });
    return this.reportOwed(written);
  }

  /**
   * A provider's later word on a delivery (an SMS status callback, a bounce report). Moves the
   * record forward only (stale and out-of-order reports change nothing) and reports the new
   * outcome. Undefined when no delivery matches.
   */
  async applyProviderReport(report: ProviderReport): Promise<DeliveryRecord | undefined> {
    const ref = report.reference ? parseDeliveryReference(report.reference) : undefined;
    const found = ref ? await this.store.get(ref.tenantId, ref.idempotencyKey) : await this.store.findByProviderId(report.channel, report.provider, report.providerMessageId);
    if (!found || found.channel !== report.channel) return undefined;
    if (found.providerMessageId && found.providerMessageId !== report.providerMessageId) return undefined;
    const written = await this.mutate(found, (r) => {
      const status = report.status ? advanceStatus(r.status, report.status) : r.status;
      const next: DeliveryRecord = { ...r, status, providerMessageId: r.providerMessageId ?? report.providerMessageId };
      if (report.providerStatus && status !== r.status) next.providerStatus = report.providerStatus;
      if (report.errorCode && status !== r.status && (status === 'bounced' || status === 'failed'))
        next.lastError = { kind: 'permanent', code: report.errorCode, message: `provider reported ${report.providerStatus ?? status}`, bounce: status === 'bounced' };
      return next;
    });
    return this.reportOwed(written);
  }

  /** An SMS provider's verified status callback (twilioStatusCallbackHandler's `onReport`). */
  applySmsStatusReport(report: SmsStatusReport): Promise<DeliveryRecord | undefined> {
    const reference = report.callbackQuery?.[DELIVERY_REFERENCE_PARAM];
    return this.applyProviderReport({
      channel: 'sms',
      provider: report.provider,
      providerMessageId: report.providerMessageId,
      status: report.status,
      providerStatus: report.providerStatus,
      ...(report.errorCode ? { errorCode: report.errorCode } : {}),
      ...(reference ? { reference } : {}),
    });
  }

  /**
   * A delivery status notification received for our envelope sender (a bounce mailbox, an inbound
   * SMTP route): matched to its email delivery by the original Message-ID, one report per
   * recipient. Returns the records it changed or confirmed; [] when it is not a DSN of ours.
   */
  async applyEmailDsn(raw: Buffer | string): Promise<DeliveryRecord[]> {
    const dsn = await parseDeliveryStatusNotification(raw);
    if (!dsn?.originalMessageId) return [];
    const out: DeliveryRecord[] = [];
    for (const r of dsn.recipients) {
      const record = await this.applyProviderReport({
        channel: 'email',
        provider: 'smtp',
        providerMessageId: dsn.originalMessageId,
        status: dsnRecipientStatus(r),
        providerStatus: `${r.action} ${r.status}`.trim(),
        ...(r.status ? { errorCode: `smtp_dsn_${r.status}` } : {}),
      });
      if (record) out.push(record);
    }
    return out;
  }

  /**
   * Applies `change` with compare-and-set, reloading after a lost race. Counts the metric once per
   * status reached. Returns the record as stored.
   */
  private async mutate(start: DeliveryRecord, change: (r: DeliveryRecord) => DeliveryRecord): Promise<DeliveryRecord> {
    let current = start;
    for (let i = 0; i < MAX_WRITE_RETRIES; i++) {
      const next = change(current);
      if (JSON.stringify(next) === JSON.stringify(current)) return current;
      next.version = current.version + 1;
      next.updatedAt = this.clock();
      if (await this.store.update(next)) {
        if (next.status !== current.status) this.options.metrics?.record(next.channel, next.status);
        return next;
      }
      const reloaded = await this.store.get(current.tenantId, current.idempotencyKey);
      if (!reloaded) throw new Error(`delivery ${current.idempotencyKey} vanished while being written`);
      current = reloaded;
    }
    throw new Error(`delivery ${current.idempotencyKey}: too many concurrent writes`);
  }

  /** Tells the callback the record's outcome if it has not accepted it yet; remembers when it has. */
  private async reportOwed(record: DeliveryRecord): Promise<DeliveryRecord> {
    let current = record;
    while (this.options.onOutcome && (OUTCOMES as readonly string[]).includes(current.status) && current.reportedStatus !== current.status) {
      const outcome = current.status as Outcome;
      await this.options.onOutcome({ outcome, record: structuredClone(current) });
      // When the record moved on while the callback ran, the loop reports its new outcome too.
      current = await this.mutate(current, (r) => ({ ...r, reportedStatus: r.status === outcome ? outcome : r.reportedStatus }));
    }
    return current;
  }

  private providerOf(channel: Channel): string {
    return channel === 'email' ? 'smtp' : channel === 'sms' ? (this.options.sms?.name ?? 'sms') : 'letter';
  }

  private async dispatch(message: NotificationMessage, rendered: RenderedMessage): Promise<ChannelResult> {
    switch (message.channel) {
      case 'email': {
        if (!this.options.email) return failure('channel_not_configured', 'no email sender configured');
        if (!rendered.subject) return failure('template_missing_subject', `template "${rendered.template.name}" has no subject for email`);
        return this.options.email.send({
          to: message.to.name ? { name: message.to.name, address: message.to.address } : message.to.address,
          from: message.from,
          replyTo: message.replyTo,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          attachments: message.attachments,
          idSeed: `${message.tenantId}/${message.idempotencyKey}`,
        });
      }
      case 'sms': {
        if (!this.options.sms) return failure('channel_not_configured', 'no SMS provider configured');
        const callback = this.options.smsStatusCallbackUrl;
        const statusCallbackUrl = callback
          ? `${callback}${callback.includes('?') ? '&' : '?'}${DELIVERY_REFERENCE_PARAM}=${deliveryReference(message.tenantId, message.idempotencyKey)}`
          : undefined;
        return this.options.sms.send({ to: message.to.phone, body: rendered.text.trim(), ...(statusCallbackUrl ? { statusCallbackUrl } : {}) });
      }
      case 'letter': {
        if (!this.options.letters) return failure('channel_not_configured', 'no letter sink configured');
        const sender = message.sender ?? this.options.letters.defaultSender;
        if (!sender) return failure('letter_no_sender', 'a letter needs a sender address (message.sender or LETTER_RETURN_ADDRESS)');
        const pdf = await renderLetterPdf({
          sender,
          recipient: message.to,
          date: this.clock(),
          locale: rendered.template.locale,
          subject: rendered.subject ?? '',
          body: rendered.text,
          ...(message.reference ? { reference: message.reference } : {}),
        });
        return this.options.letters.sink.submit({ idempotencyKey: message.idempotencyKey, tenantId: message.tenantId, pdf, recipient: message.to });
      }
    }
  }
}
