// What the supergraph-wide contract tests (test/contracts/) need from collections: a valid input for
// each of its mutations, set up through the API. See @commonhold/testing/src/contracts.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import type { ServiceContracts } from '@commonhold/testing/src/contracts';
import { buildBuildingInput, CREATE_APARTMENT, CREATE_BUILDING, givenBuilding, key, ok, type Caller } from './support/collections';

const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function building(as: Caller): Promise<string> {
  return ok(await as<any>(CREATE_BUILDING, { input: buildBuildingInput() })).createBuilding.building.id;
}

async function apartment(as: Caller): Promise<{ id: string; buildingId: string; paymentReference: string }> {
  const { building: b, apartments } = await givenBuilding(as, 1);
  return { id: apartments[0]!.id, buildingId: b.id, paymentReference: apartments[0]!.paymentReference };
}

async function party(as: Caller): Promise<string> {
  const a = await apartment(as);
  return ok(await as<any>(`mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`, { input: { apartmentId: a.id, role: 'OWNER', name: 'Ada Owner', idempotencyKey: key() } }))
    .addApartmentParty.party.id;
}

async function owing(as: Caller): Promise<{ id: string; entryId: string }> {
  const a = await apartment(as);
  const entryId = ok(
    await as<any>(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
      input: { apartmentId: a.id, type: 'COMMON_EXPENSE', amount: gbp(12_000), bookedOn: day(-20), dueOn: day(-20), idempotencyKey: key() },
    }),
  ).postCharge.entry.id;
  return { id: a.id, entryId };
}

/** A reminder that failed (its apartment has no owner to email), ready to be re-driven. */
async function failedReminder(as: Caller): Promise<string> {
  const a = await owing(as);
  ok(await as(`mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id } } }`, {
    input: { scope: 'APARTMENT', apartmentId: a.id, steps: [{ key: 'first-email', bucket: 'D0_30', channel: 'EMAIL', template: 'dunning.reminder' }], idempotencyKey: key() },
  }));
  const runId = ok(await as<any>(`mutation($input: StartDunningRunInput!) { startDunningRun(input: $input) { run { id } } }`, { input: { dryRun: false, idempotencyKey: key() } })).startDunningRun.run.id;
  return eventually(
    async () => {
      const edges = ok(await as<any>(`query($id: ID!) { dunningRun(id: $id) { events(status: FAILED) { edges { node { id apartment { id } } } } } }`, { id: runId })).dunningRun.events.edges;
      return edges.find((e: any) => e.node.apartment.id === a.id)?.node.id ?? null;
    },
    { timeoutMs: 30_000 },
  );
}

const POLICY_STEPS = [{ key: 'first-letter', bucket: 'D31_60', channel: 'LETTER', template: 'letter.formal', attempts: 1 }];

export const contracts: ServiceContracts = {
  samples: {
    createBuilding: async (_ctx, idempotencyKey) => buildBuildingInput({ idempotencyKey }),
    updateBuilding: async ({ as }, idempotencyKey) => ({ id: await building(as), name: 'Quay House', idempotencyKey }),
    deleteBuilding: async ({ as }, idempotencyKey) => ({ id: await building(as), idempotencyKey }),
    createApartment: async ({ as }, idempotencyKey) => ({ buildingId: await building(as), unit: 'Flat 7', floor: 2, idempotencyKey }),
    updateApartment: async ({ as }, idempotencyKey) => ({ id: (await apartment(as)).id, unit: 'Flat 7B', idempotencyKey }),
    deleteApartment: async ({ as }, idempotencyKey) => {
      const b = await building(as);
      const id = ok(await as<any>(CREATE_APARTMENT, { input: { buildingId: b, unit: '1', idempotencyKey: key() } })).createApartment.apartment.id;
      return { id, idempotencyKey };
    },
    setBuildingShares: async ({ as }, idempotencyKey) => {
      const { building: b, apartments } = await givenBuilding(as, 2);
      return { buildingId: b.id, shares: [{ apartmentId: apartments[0]!.id, ownershipShare: 700 }, { apartmentId: apartments[1]!.id, ownershipShare: 300 }], idempotencyKey };
    },
    addApartmentParty: async ({ as }, idempotencyKey) => ({
      apartmentId: (await apartment(as)).id,
      role: 'OWNER',
      name: 'Ada Owner',
      email: 'ada@example.org',
      preferredChannel: 'EMAIL',
      consent: { email: true },
      idempotencyKey,
    }),
    updateApartmentParty: async ({ as }, idempotencyKey) => ({ id: await party(as), name: 'Ada Lovelace', idempotencyKey }),
    eraseApartmentParty: async ({ as }, idempotencyKey) => ({ id: await party(as), idempotencyKey }),
    postCharge: async ({ as }, idempotencyKey) => ({ apartmentId: (await apartment(as)).id, type: 'COMMON_EXPENSE', amount: gbp(15_000), description: 'Service charge', dueOn: day(14), idempotencyKey }),
    recordPayment: async ({ as }, idempotencyKey) => ({ apartmentId: (await owing(as)).id, amount: gbp(5_000), reference: 'cheque 42', idempotencyKey }),
    postAdjustment: async ({ as }, idempotencyKey) => ({ apartmentId: (await owing(as)).id, direction: 'CREDIT', amount: gbp(1_000), reason: 'goodwill', idempotencyKey }),
    reverseLedgerEntry: async ({ as }, idempotencyKey) => ({ entryId: (await owing(as)).entryId, reason: 'posted twice', idempotencyKey }),
    importBankStatement: async ({ as }, idempotencyKey) => {
      const a = await apartment(as);
      return { content: `date,amount,reference,transaction id\n${day(0)},50.00,${a.paymentReference},${randomUUID()}\n${day(0)},12.00,unknown payer,${randomUUID()}\n`, filename: 'statement.csv', idempotencyKey };
    },
    resolveBankLine: async ({ as }, idempotencyKey) => {
      const a = await apartment(as);
      const lines = ok(
        await as<any>(`mutation($input: ImportBankStatementInput!) { importBankStatement(input: $input) { statement { lines(first: 5) { edges { node { id status } } } } } }`, {
          input: { content: `date,amount,reference\n${day(0)},20.00,no reference ${randomUUID()}\n`, idempotencyKey: key() },
        }),
      ).importBankStatement.statement.lines.edges;
      return { lineId: lines[0].node.id, apartmentId: a.id, idempotencyKey };
    },
    setDunningPolicy: async (_ctx, idempotencyKey) => ({ scope: 'TENANT', steps: POLICY_STEPS, lateFees: [{ kind: 'FLAT', amountMinor: 2_500, graceDays: 14 }], idempotencyKey }),
    removeDunningPolicyOverride: async ({ as }, idempotencyKey) => {
      const b = await building(as);
      ok(await as(`mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id } } }`, { input: { scope: 'BUILDING', buildingId: b, steps: POLICY_STEPS, idempotencyKey: key() } }));
      return { scope: 'BUILDING', buildingId: b, idempotencyKey };
    },
    makePromiseToPay: async ({ as }, idempotencyKey) => ({
      apartmentId: (await owing(as)).id,
      instalments: [
        { dueOn: day(7), amount: gbp(6_000) },
        { dueOn: day(37), amount: gbp(6_000) },
      ],
      note: 'will pay in two parts',
      idempotencyKey,
    }),
    evaluatePromisesToPay: async (_ctx, idempotencyKey) => ({ idempotencyKey }),
    // A dry run: its effect is complete when the mutation answers (a real run's deliveries finish
    // later, in the worker, which a footprint taken right after the answer would see move).
    startDunningRun: async (_ctx, idempotencyKey) => ({ asOf: day(0), dryRun: true, idempotencyKey }),
    setDunningSchedule: async (_ctx, idempotencyKey) => ({ timeZone: 'Europe/London', localHour: 6, enabled: true, idempotencyKey }),
    redriveDunningReminder: async ({ as }, idempotencyKey) => ({ reminderId: await failedReminder(as), idempotencyKey }),
  },
};
