import type { Express } from 'express';
import type { ServiceRuntime } from '@commonhold/kit';
import { dsnWebhookHandler } from '@commonhold/notifications';
import type { CollectionsConfig } from '../../config';
import type { DunningWorker } from './worker';

/** Paths under the `/notifications` passthrough prefix (service.json); the gateway forwards them as they are. */
export const SMS_STATUS_ROUTE = '/notifications/sms/twilio';
export const EMAIL_DSN_ROUTE = '/notifications/email/dsn';

/**
 * Delivery outcomes that reach us after the send: Twilio's signed SMS status callbacks (sent,
 * delivered, undelivered, failed) and signed bounce reports (DSNs) for our emails. Each is applied
 * by the notifier to its delivery record, whose outcome callback moves the reminder
 * (`DunningEvent`: DELIVERED, BOUNCED, FAILED) with its audit event and timeline line.
 * 404 while the channel is not configured (no Twilio and SMS_STATUS_CALLBACK_URL; no
 * EMAIL_DSN_WEBHOOK_SECRET), 403 for a bad signature.
 */
export function mountDeliveryReportRoutes(app: Express, rt: ServiceRuntime, worker: Promise<DunningWorker>): void {
  const cfg = rt.config as unknown as CollectionsConfig;
  const log = rt.log.child({ component: 'delivery-reports' });
  app.post(SMS_STATUS_ROUTE, (req, res) => {
    worker.then(
      (w) => (w.smsStatusCallback ? w.smsStatusCallback(req, res) : res.status(404).type('text').send('SMS status callbacks are not configured')),
      () => res.status(503).type('text').send('the dunning worker is not running'),
    );
  });
  const dsn = cfg.EMAIL_DSN_WEBHOOK_SECRET
    ? dsnWebhookHandler({
        secret: cfg.EMAIL_DSN_WEBHOOK_SECRET,
        onDsn: async (raw) => {
          const records = await (await worker).notifier.applyEmailDsn(raw);
          log.info({ deliveries: records.map((r) => ({ tenantId: r.tenantId, key: r.idempotencyKey, status: r.status })) }, 'bounce report applied');
        },
      })
    : undefined;
  app.post(EMAIL_DSN_ROUTE, (req, res) => {
    if (!dsn) {
      res.status(404).type('text').send('bounce reports are not configured');
      return;
    }
    dsn(req, res);
  });
}
