import { Intake1763800000400 } from '../../migrations/1763800000400-intake';
import { InstalmentSpelling1765000000100 } from '../../migrations/1765000000100-instalment-spelling';
import { defineModule } from '@commonhold/kit';
import { intakeResolvers } from './intake.resolvers';
import { intakeRoutes } from './intake.routes';

/**
 * Recurring agreements and payment-provider intake: webhooks (Stripe, GoCardless, PayPal, JustGiving
 * hints) → inbox → validate → contact → gift / agreement. See docs/fundraising/provider-intake.md.
 */
export const intakeModule = defineModule({
  name: 'intake',
  resolvers: intakeResolvers,
  migrations: [Intake1763800000400, InstalmentSpelling1765000000100],
  routes: intakeRoutes,
  auditChecks: [
    {
      name: 'recurring_agreement_created',
      description: 'A recurring agreement without its recurring-agreement.created audit event',
      sql: `SELECT r.id AS entity_id FROM recurring_agreements r WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'RecurringAgreement' AND a.entity_id = r.id::text AND a.action = 'recurring-agreement.created' AND a.trace_id IS NOT NULL) ORDER BY r.created_at`,
    },
    {
      name: 'payment_provider_configured',
      description: 'Payment-provider credentials without a payment-provider.configured audit event',
      sql: `SELECT p.provider AS entity_id FROM payment_provider_accounts p WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'PaymentProviderAccount' AND a.entity_id = p.provider AND a.action = 'payment-provider.configured' AND a.trace_id IS NOT NULL) ORDER BY p.provider`,
    },
  ],
});
