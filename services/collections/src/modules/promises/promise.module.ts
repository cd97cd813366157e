import { defineModule } from '@commonhold/kit';
import { CreatePromises1796495271400 } from './promises.migration';
import { promiseEvaluationConsumer } from './promise-evaluation.consumer';
import { promiseResolvers } from './promise.resolvers';

const audited = (action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'promise-to-pay' AND a.entity_id = x.id::text AND a.action = ${action} AND a.trace_id IS NOT NULL)`;

export const promisesModule = defineModule({
  name: 'promises',
  scopedCallers: 'fenced',
  permissions: { Query: { promiseToPay: 'collections:read' }, Mutation: { makePromiseToPay: 'ledger:write', evaluatePromisesToPay: 'ledger:write' } },
  resolvers: promiseResolvers,
  migrations: [CreatePromises1796495271400],
  consumers: (rt) => [promiseEvaluationConsumer(rt)],
  auditChecks: [
    {
      name: 'promise_made',
      description: 'A promise to pay without its promise-to-pay.made audit event',
      sql: `SELECT x.id::text AS entity_id FROM promises_to_pay x WHERE NOT ${audited(`'promise-to-pay.made'`)} ORDER BY x.created_at`,
    },
    {
      name: 'promise_resolved',
      description: 'A kept or broken promise to pay without its promise-to-pay.kept / .broken audit event',
      sql: `SELECT x.id::text AS entity_id FROM promises_to_pay x WHERE x.status <> 'active' AND NOT ${audited(`'promise-to-pay.' || x.status`)} ORDER BY x.created_at`,
    },
  ],
});
