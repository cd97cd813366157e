import { Intake1763800000400 } from '../../migrations/1763800000400-intake';
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
  migrations: [Intake1763800000400],
  routes: intakeRoutes,
});
