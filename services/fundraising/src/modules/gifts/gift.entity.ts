import { EntitySchema } from 'typeorm';

const bigintNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

export interface GiftRow {
  id: string;
  tenantId: string;
  contactId: string;
  amountMinor: number;
  currency: string;
  receivedAt: Date;
  createdAt: Date;
  kind: 'ONE_OFF' | 'PLEDGE' | 'PLEDGE_PAYMENT' | 'RECURRING_INSTALMENT';
  paymentMethod: string;
  source: string;
  externalRef: string | null;
  campaignId: string | null;
  appealId: string | null;
  opportunityId: string | null;
  pledgeId: string | null;
  recurringAgreementId: string | null;
  refundedMinor: number;
  benefitMinor: number;
}

export const GiftEntity = new EntitySchema<GiftRow>({
  name: 'Gift',
  tableName: 'gifts',
  columns: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'text', name: 'tenant_id' },
    contactId: { type: 'uuid', name: 'contact_id' },
    // bigint comes back from pg as a string; the transformer keeps money an integer number.
    amountMinor: { type: 'bigint', name: 'amount_minor', transformer: bigintNumber },
    currency: { type: 'char', length: 3 },
    receivedAt: { type: 'timestamptz', name: 'received_at' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    kind: { type: 'text' },
    paymentMethod: { type: 'text', name: 'payment_method' },
    source: { type: 'text' },
    externalRef: { type: 'text', name: 'external_ref', nullable: true },
    campaignId: { type: 'uuid', name: 'campaign_id', nullable: true },
    appealId: { type: 'uuid', name: 'appeal_id', nullable: true },
    opportunityId: { type: 'uuid', name: 'opportunity_id', nullable: true },
    pledgeId: { type: 'uuid', name: 'pledge_id', nullable: true },
    recurringAgreementId: { type: 'uuid', name: 'recurring_agreement_id', nullable: true },
    refundedMinor: { type: 'bigint', name: 'refunded_minor', transformer: bigintNumber },
    benefitMinor: { type: 'bigint', name: 'benefit_minor', transformer: bigintNumber },
  },
});
