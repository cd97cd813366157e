import express from 'express';
import type { Request, Response } from 'express';
import { requestScopeMiddleware, withTenant, type ServiceRuntime } from '@commonhold/kit';
import { intakeDeps, type ProviderAccount } from './deps';
import { loadAccount, stageEvents, validTenantId, type IncomingEvent } from './inbox.store';
import { intakeMetrics, type WebhookOutcome } from './intake.metrics';
import { processProviderEvent, type IntakeEnv } from './process-provider-event';
import { GOCARDLESS_BAD_SIGNATURE_STATUS, GOCARDLESS_MAX_BATCH, verifyGoCardless } from './providers/gocardless';
import { justGivingEventId } from './providers/justgiving';
import { PAYPAL_HEADERS, type PayPalEvent, type PayPalTransmission } from './providers/paypal';
import { verifyStripe } from './providers/stripe';
import type { Provider } from './providers/types';

/** Why a webhook was refused, and with which HTTP status. Counted in webhook_rejections_total. */
interface Rejection {
  status: number;
  reason: string;
}
type Verified = { events: IncomingEvent[] } | { reject: Rejection };

type Verifier = (req: Request, raw: Buffer, account: ProviderAccount) => Promise<Verified>;

const parseJson = (raw: Buffer): unknown => {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
};

const stripe: Verifier = async (req, raw, account) => {
  const v = await verifyStripe(raw, req.header('stripe-signature'), account.webhookSecret!);
  if ('rejected' in v) return { reject: { status: 400, reason: v.rejected } };
  return { events: [{ providerEventId: v.event.id, eventType: v.event.type, payload: v.event }] };
};

const gocardless: Verifier = async (req, raw, account) => {
  let events;
  try {
    events = verifyGoCardless(raw, req.header('webhook-signature'), account.webhookSecret!);
  } catch {
    return { reject: { status: 400, reason: 'malformed' } }; // signed, but not JSON
  }
  if (!events) return { reject: { status: GOCARDLESS_BAD_SIGNATURE_STATUS, reason: req.header('webhook-signature') ? 'invalid_signature' : 'missing_signature' } };
  if (!Array.isArray(events) || events.some((e) => !e || typeof e.id !== 'string' || !e.id)) return { reject: { status: 400, reason: 'malformed' } };
  if (events.length > GOCARDLESS_MAX_BATCH) return { reject: { status: 400, reason: 'batch_too_large' } };
  return { events: events.map((e) => ({ providerEventId: e.id, eventType: `${e.resource_type}.${e.action}`, payload: e })) };
};

const paypal: Verifier = async (req, raw, account) => {
  const event = parseJson(raw) as PayPalEvent | undefined;
  if (!event || typeof event.id !== 'string' || typeof event.event_type !== 'string') return { reject: { status: 400, reason: 'malformed' } };
  const t = Object.fromEntries(Object.entries(PAYPAL_HEADERS).map(([k, h]) => [k, req.header(h) ?? ''])) as unknown as PayPalTransmission;
  if (Object.values(t).some((v) => !v)) return { reject: { status: 400, reason: 'missing_signature' } };
  let ok: boolean;
  try {
    ok = await intakeDeps().paypalVerifier(account).verify(t, event, account.webhookId!);
  } catch {
    // PayPal could not be asked: answer 503 so PayPal retries later; nothing is staged.
    return { reject: { status: 503, reason: 'verification_unavailable' } };
  }
  if (!ok) return { reject: { status: 400, reason: 'invalid_signature' } };
  return { events: [{ providerEventId: event.id, eventType: event.event_type, payload: event }] };
};

/** The account fields a provider's webhook needs before it can be verified. */
const READY: Record<Provider, (a: ProviderAccount) => boolean> = {
  STRIPE: (a) => !!a.webhookSecret,
  GOCARDLESS: (a) => !!a.webhookSecret,
  PAYPAL: (a) => !!a.webhookId,
  JUSTGIVING: (a) => !!a.apiKey,
};

function finish(res: Response, outcomes: (string | null)[]): WebhookOutcome {
  const n = (s: string) => outcomes.filter((o) => o === s).length;
  const summary = { received: outcomes.length, processed: n('PROCESSED'), ignored: n('IGNORED'), failed: n('FAILED'), duplicates: n('DUPLICATE') };
  res.status(200).json(summary);
  if (!outcomes.length) return 'ignored'; // a JustGiving hint JustGiving does not confirm
  if (summary.failed) return 'failed';
  if (summary.duplicates === outcomes.length) return 'duplicate';
  return summary.processed ? 'processed' : 'ignored';
}

export function intakeRoutes(app: express.Express, rt: ServiceRuntime): void {
  const metrics = intakeMetrics(rt.metrics.registry);
  const env = (): IntakeEnv => ({ registry: rt.registry, deps: intakeDeps(), secrets: rt.secrets });
  const raw = express.raw({ type: () => true, limit: '1mb' });
  const log = rt.log.child({ component: 'provider-intake' });

  /** Stages verified events (one transaction), then processes each new or stuck one (a transaction each). */
  async function intake(tenantId: string, provider: Provider, events: IncomingEvent[]): Promise<(string | null)[]> {
    const staged = await withTenant(rt.ds, tenantId, (m) => stageEvents(m, tenantId, provider, events));
    const out: (string | null)[] = [];
    for (const s of staged) {
      const after = await withTenant(rt.ds, tenantId, (m) => processProviderEvent(m, env(), s.id));
      // A replay of an event already done changes nothing; a replay of one left STAGED (a crash
      // between staging and processing) or FAILED is processed again.
      out.push(after ? after.status : 'DUPLICATE');
      if (after?.status === 'FAILED') log.warn({ tenantId, provider, eventId: s.id, error: after.error }, 'provider event failed processing');
    }
    return out;
  }

  function webhook(provider: Provider, verify: Verifier) {
    return async (req: Request, res: Response) => {
      const started = process.hrtime.bigint();
      let outcome: WebhookOutcome = 'failed';
      try {
        const tenantId = req.params.tenantId;
        const account = validTenantId(tenantId) ? await withTenant(rt.ds, tenantId, (m) => loadAccount(m, provider, rt.secrets)) : null;
        // Unknown tenant and unconfigured provider look the same.
        if (!account || !READY[provider](account)) {
          outcome = 'not_found';
          res.status(404).json({ error: 'not found' });
          return;
        }
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const v = await verify(req, body, account);
        if ('reject' in v) {
          outcome = 'rejected';
          metrics.rejections.inc({ provider: provider.toLowerCase(), reason: v.reject.reason });
          log.warn({ tenantId, provider, reason: v.reject.reason }, 'webhook rejected');
          res.status(v.reject.status).json({ error: v.reject.reason });
          return;
        }
        outcome = finish(res, await intake(tenantId as string, provider, v.events));
      } catch (err) {
        log.error({ err, provider }, 'webhook handling failed');
        if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      } finally {
        metrics.duration.observe({ provider: provider.toLowerCase(), outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  }

  const scope = requestScopeMiddleware('fundraising webhook');
  app.post('/webhooks/stripe/:tenantId', scope, raw, webhook('STRIPE', stripe));
  app.post('/webhooks/gocardless/:tenantId', scope, raw, webhook('GOCARDLESS', gocardless));
  app.post('/webhooks/paypal/:tenantId', scope, raw, webhook('PAYPAL', paypal));

  // JustGiving redirect notification: a HINT only. Its donation id is looked up through JustGiving's
  // API; nothing else in the request (amount, name…) is ever read.
  app.post(
    '/webhooks/justgiving/:tenantId',
    scope,
    raw,
    webhook('JUSTGIVING', async (req, body, account) => {
      const fromBody = parseJson(body) as { donationId?: unknown; jgDonationId?: unknown } | undefined;
      const form = new URLSearchParams(body.toString('utf8'));
      const id = String(req.query.donationId ?? req.query.jgDonationId ?? fromBody?.donationId ?? fromBody?.jgDonationId ?? form.get('donationId') ?? form.get('jgDonationId') ?? '');
      if (!/^\d{1,20}$/.test(id)) return { reject: { status: 400, reason: 'malformed' } };
      let donation;
      try {
        donation = await intakeDeps().justgiving(account).getDonation(id);
      } catch (err) {
        log.warn({ err: (err as Error).message, provider: 'JUSTGIVING' }, 'JustGiving lookup failed; the next reconcile picks the donation up');
        return { events: [] };
      }
      if (!donation || String(donation.id) !== id) return { events: [] };
      return { events: [{ providerEventId: justGivingEventId(donation), eventType: `donation.${String(donation.status).toLowerCase()}`, payload: donation }] };
    }),
  );
}
