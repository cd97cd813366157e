// What the supergraph-wide contract tests (test/contracts/) need from fundraising: a valid input for
// each of its mutations, set up through the API. See @commonhold/testing/src/contracts.
import { randomUUID } from 'node:crypto';
import type { SampleContext, ServiceContracts } from '@commonhold/testing/src/contracts';
import { generateDataset } from './import/dataset';
import { buildContact, buildGift, CREATE_CONTACT, GBP, idempotencyKey, ok, recordGift, UK_ADDRESS, type As } from './support';

const day = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * day).toISOString().slice(0, 10);
const code = () => `C${randomUUID().slice(0, 6).toUpperCase()}`;

/** A UK taxpayer with an address (what Gift Aid needs); returns the contact and its household. */
async function donor(as: As, overrides: Record<string, unknown> = {}): Promise<{ id: string; householdId: string }> {
  const d = await ok(as, CREATE_CONTACT.replace('contact { id }', 'contact { id household { id } }'), { input: buildContact({ title: 'Mrs', address: UK_ADDRESS, ...overrides }) });
  return { id: d.createContact.contact.id, householdId: d.createContact.contact.household?.id };
}

async function declaration(as: As, contactId: string): Promise<string> {
  const d = await ok(as, `mutation($input: RecordGiftAidDeclarationInput!) { recordGiftAidDeclaration(input: $input) { declaration { id } } }`, {
    input: { contactId, kind: 'ENDURING', method: 'WRITTEN', declaredAt: daysAgo(0), coversFrom: daysAgo(365), idempotencyKey: idempotencyKey() },
  });
  return d.recordGiftAidDeclaration.declaration.id;
}

async function opportunity(as: As, contactId: string): Promise<string> {
  const d = await ok(as, `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
    input: { contactId, name: 'Major gift', type: 'MAJOR_GIFT', expectedAmount: GBP(500_000), closeDate: '2027-03-31', idempotencyKey: idempotencyKey() },
  });
  return d.createOpportunity.opportunity.id;
}

async function agreement(as: As, contactId: string): Promise<string> {
  const d = await ok(as, `mutation($input: CreateRecurringAgreementInput!) { createRecurringAgreement(input: $input) { recurringAgreement { id } } }`, {
    input: { contactId, amount: GBP(1000), period: 'MONTHLY', startDate: daysAgo(60), idempotencyKey: idempotencyKey() },
  });
  return d.createRecurringAgreement.recurringAgreement.id;
}

/** A small valid import file whose external ids are new to every tenant. */
const importCsv = () => generateDataset({ rows: 3, prefix: `R${randomUUID().slice(0, 6)}` }).csv;

async function importJob(as: As): Promise<string> {
  const d = await ok(as, `mutation($input: StartFundraisingImportInput!) { startFundraisingImport(input: $input) { job { id } } }`, {
    input: { fileName: 'gifts.csv', csv: importCsv(), dryRun: true, idempotencyKey: idempotencyKey() },
  });
  return d.startFundraisingImport.job.id;
}

const withKey = (input: Record<string, unknown>, idempotencyKey: string) => ({ ...input, idempotencyKey });

export const contracts: ServiceContracts = {
  samples: {
    updateFundraisingSettings: async (_: SampleContext, k) => ({ fiscalYearStartMonth: 4, idempotencyKey: k }),
    createCampaign: async (_, k) => ({ code: code(), name: 'Winter appeal', idempotencyKey: k }),
    createAppeal: async (_, k) => ({ code: code(), name: 'Christmas letter', idempotencyKey: k }),
    createFund: async (_, k) => ({ code: code(), name: 'Roof repairs', restricted: true, idempotencyKey: k }),
    createContact: async (_, k) => buildContact({ idempotencyKey: k }),
    updateContact: async ({ as }, k) => ({ contactId: (await donor(as)).id, firstName: 'Grace', idempotencyKey: k }),
    addContactToHousehold: async ({ as }, k) => ({ contactId: (await donor(as)).id, householdId: (await donor(as)).householdId, idempotencyKey: k }),
    updateHousehold: async ({ as }, k) => ({ householdId: (await donor(as)).householdId, name: 'The Lovelace household', idempotencyKey: k }),
    mergeContacts: async ({ as }, k) => ({ survivorId: (await donor(as)).id, duplicateId: (await donor(as)).id, idempotencyKey: k }),
    recordConsent: async ({ as }, k) => ({ contactId: (await donor(as)).id, channel: 'EMAIL', granted: true, source: 'web form', idempotencyKey: k }),
    eraseContact: async ({ as }, k) => ({ contactId: (await donor(as)).id, reason: 'GDPR request ref 1', idempotencyKey: k }),
    recordGift: async ({ as }, k) => buildGift((await donor(as)).id, { idempotencyKey: k }),
    refundGift: async ({ as }, k) => ({ giftId: await recordGift(as, (await donor(as)).id), reason: 'Donor asked', idempotencyKey: k }),
    rebuildRollups: async (_, k) => ({ idempotencyKey: k }),
    createOpportunity: async ({ as }, k) => ({ contactId: (await donor(as)).id, name: 'Major gift', type: 'MAJOR_GIFT', expectedAmount: GBP(500_000), closeDate: '2027-03-31', idempotencyKey: k }),
    updateOpportunity: async ({ as }, k) => ({ opportunityId: await opportunity(as, (await donor(as)).id), stage: 'CULTIVATION', idempotencyKey: k }),
    recordGiftAidDeclaration: async ({ as }, k) => ({ contactId: (await donor(as)).id, kind: 'ENDURING', method: 'WRITTEN', declaredAt: daysAgo(0), coversFrom: daysAgo(365), idempotencyKey: k }),
    cancelGiftAidDeclaration: async ({ as }, k) => ({ declarationId: await declaration(as, (await donor(as)).id), reason: 'Donor no longer pays UK tax', idempotencyKey: k }),
    createGiftAidClaim: async ({ as }, k) => {
      const { id } = await donor(as);
      await declaration(as, id);
      await recordGift(as, id, { receivedAt: `${daysAgo(3)}T10:00:00Z` });
      return { upTo: daysAgo(0), idempotencyKey: k };
    },
    setGiftAidAggregationThreshold: async (_, k) => ({ effectiveFrom: daysAgo(0), amountMinor: 2000, idempotencyKey: k }),
    configurePaymentProvider: async (_, k) => ({ provider: 'STRIPE', environment: 'SANDBOX', webhookSecret: `whsec_${randomUUID()}`, apiKey: `sk_test_${randomUUID()}`, idempotencyKey: k }),
    createRecurringAgreement: async ({ as }, k) => ({ contactId: (await donor(as)).id, amount: GBP(1000), period: 'MONTHLY', startDate: daysAgo(60), idempotencyKey: k }),
    updateRecurringAgreement: async ({ as }, k) => ({ id: await agreement(as, (await donor(as)).id), action: 'PAUSE', idempotencyKey: k }),
    evaluateRecurringAgreements: async ({ as }, k) => {
      await agreement(as, (await donor(as)).id);
      return { asOf: daysAgo(0), idempotencyKey: k };
    },
    startFundraisingImport: async (_, k) => withKey({ fileName: 'gifts.csv', csv: importCsv(), dryRun: false }, k),
    runFundraisingImport: async ({ as }, k) => ({ jobId: await importJob(as), idempotencyKey: k }),
  },
  notReplayed: {
    reprocessProviderEvent:
      'needs a provider event that failed processing, which only a signed provider webhook with a failing API lookup creates; its replay under one key is asserted in services/fundraising/test/intake/intake.e2e-spec.ts ("reprocesses it on request")',
    reconcileJustGiving:
      'pulls from the JustGiving API fake that intake.e2e-spec.ts starts; its repeat with the same key and a new key is asserted there ("JustGiving (pull and reconcile)")',
  },
};
