import http from 'node:http';
// Historical import end to end through the gateway, on real PostgreSQL: dry run and its report,
// importing a generated 3,000-row file, matching existing contacts, running the same file twice,
// resuming after a crash, rollups afterwards without a manual step, the raw-CSV HTTP route,
// tenant isolation, bad input and idempotent replay.
import { withTenant } from '@commonhold/kit';
import { bearer } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { DEFAULT_CHUNK_SIZE, importFaults, importTuning } from '../../src/modules/import/import.store';
import { CSV_HEADER, expectedGiving, generateDataset, toCsv, type Dataset } from './dataset';
import { counts, fingerprint, JOB, key, RUN, START, startImport, tenantName } from './support';

let platform: TestPlatform;
let data: Dataset;
const A = tenantName('imp-a');
const B = tenantName('imp-b');
let a: ReturnType<TestPlatform['as']>;
let b: ReturnType<TestPlatform['as']>;
let mainJobId: string;

const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;
const GIVING = `query($id: ID!) { contact(id: $id) { id giving { lifetimeTotal { amountMinor currency } totalsByCurrency { amountMinor currency } giftCount lastGiftDate } } }`;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  a = platform.as(A);
  b = platform.as(B);
  data = generateDataset({ rows: 3000, seed: 7, prefix: 'E2E' });
}, 120_000);

afterAll(async () => {
  importFaults.beforeChunkCommit = undefined;
  await platform?.stop();
});

const badCsv = [
  CSV_HEADER,
  // row 2: valid
  'OK-1,,Mr,John,Smith,,john@example.org,1,High Street,,London,SW1A 1AA,GB,25.00,GBP,2024-05-01,CARD,SPRING,,GENERAL',
  // row 3: amount, received_at, postcode, email
  'BAD-1,,,Jane,Doe,,jane@,,,,,NOPE,GB,12.345,GBP,31/02/2024,,,,',
  // row 4: no names
  'BAD-2,,,,,,,,,,,,,10,,2024-05-01,,,,',
  // row 5: repeats row 2's external id
  'OK-1,,,Ann,Other,,,,,,,,,5,,2024-05-02,,,,',
].join('\n');

describe('dry run', () => {
  it('reports every invalid row with the column at fault and writes no contact or gift', async () => {
    const before = await counts(platform, A);
    const job = await startImport(a, badCsv, { dryRun: true, fileName: 'bad.csv' });
    expect(job).toMatchObject({ status: 'VALIDATED', dryRun: true, totalRows: 4, validRows: 1, invalidRows: 3, importedGifts: 0, chunksDone: 0, newCampaignCodes: ['SPRING'], newFundCodes: ['GENERAL'] });
    expect(job.errors.totalCount).toBe(7);
    expect(job.errors.edges.map((e: { node: { rowNumber: number; field: string } }) => [e.node.rowNumber, e.node.field])).toEqual([
      [3, 'email'],
      [3, 'postcode'],
      [3, 'amount'],
      [3, 'received_at'],
      [4, 'first_name'],
      [4, 'last_name'],
      [5, 'external_id'],
    ]);
    expect(job.errors.edges[2].node.message).toBe('amount "12.345" has more than 2 decimal places');
    const after = await counts(platform, A);
    expect({ ...after, jobs: 0 }).toEqual({ ...before, jobs: 0 });
    expect(after.jobs).toBe(before.jobs + 1);

    // Running it is refused while rows are invalid, naming the switch that allows it; nothing written.
    const refused = await a(RUN, { input: { jobId: job.id, idempotencyKey: key() } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.skipInvalidRows' });
    expect(await counts(platform, A)).toEqual(after);
    const page2 = await a(`query($id: ID!) { fundraisingImportJob(id: $id) { errors(first: 4, after: null) { edges { cursor node { rowNumber } } pageInfo { hasNextPage endCursor } } } }`, { id: job.id });
    expect(page2.data.fundraisingImportJob.errors.pageInfo.hasNextPage).toBe(true);
    const rest = await a(`query($id: ID!, $after: String) { fundraisingImportJob(id: $id) { errors(first: 100, after: $after) { edges { node { rowNumber field message } } } } }`, {
      id: job.id,
      after: page2.data.fundraisingImportJob.errors.pageInfo.endCursor,
    });
    expect(rest.data.fundraisingImportJob.errors.edges.map((e: { node: { rowNumber: number; field: string } }) => `${e.node.rowNumber}:${e.node.field}`)).toEqual(['4:first_name', '4:last_name', '5:external_id']);
  });

  it('imports only the valid rows of a file with invalid ones when asked to (skipInvalidRows)', async () => {
    const T = tenantName('imp-skip');
    const t = platform.as(T);
    const job = await startImport(t, badCsv, { dryRun: false, skipInvalidRows: true });
    expect(job).toMatchObject({ status: 'COMPLETED', validRows: 1, invalidRows: 3, importedGifts: 1, createdContacts: 1 });
    expect(await counts(platform, T)).toMatchObject({ contacts: 1, gifts: 1, allocations: 1, campaigns: 1, funds: 1 });
  });

  it('stops a real run at VALIDATED (with the report) when rows are invalid and skipInvalidRows is false', async () => {
    const T = tenantName('imp-stop');
    const job = await startImport(platform.as(T), badCsv, { dryRun: false });
    expect(job).toMatchObject({ status: 'VALIDATED', dryRun: false, invalidRows: 3, importedGifts: 0 });
    expect(await counts(platform, T)).toMatchObject({ contacts: 0, gifts: 0 });
  });
});

describe('importing a generated 3,000-row file', () => {
  let emailDonorContactId: string;
  let nameDonorContactId: string;

  it('matches existing contacts, imports every gift, and leaves rollups right with no manual step', async () => {
    // An existing contact with the same email as a donor of the file (created through the API)...
    const emailDonor = data.donors.find((d) => d.kind === 'PERSON' && d.email && !d.contactExternalId)!;
    const c = await a(CREATE_CONTACT, { input: { firstName: emailDonor.firstName, lastName: emailDonor.lastName, email: emailDonor.email!.toUpperCase(), idempotencyKey: key() } });
    expect(c.errors).toBeUndefined();
    emailDonorContactId = c.data.createContact.contact.id;
    // ...and one with the same name and postcode (created by an earlier small import).
    const nameDonor = data.donors.find((d) => d.kind === 'PERSON' && !d.email && !d.contactExternalId && d.postcode && d.index !== emailDonor.index)!;
    const earlier = await startImport(a, `external_id,first_name,last_name,postcode,amount,received_at\nOLD-1,${nameDonor.firstName!.toUpperCase()},${nameDonor.lastName},${nameDonor.postcode!.replace(' ', '').toLowerCase()},1.00,2020-01-01\n`);
    expect(earlier).toMatchObject({ status: 'COMPLETED', importedGifts: 1, createdContacts: 1 });
    const before = await counts(platform, A);

    const dry = await startImport(a, data.csv, { dryRun: true });
    expect(dry).toMatchObject({ status: 'VALIDATED', totalRows: 3000, validRows: 3000, invalidRows: 0, chunksTotal: 1, newCampaignCodes: [...new Set(data.gifts.map((g) => g.campaignCode).filter(Boolean))].sort() });
    expect(dry.errors.totalCount).toBe(0);
    expect(await counts(platform, A)).toEqual({ ...before, jobs: before.jobs + 1 });

    const run = await a(RUN, { input: { jobId: dry.id, idempotencyKey: key() } });
    expect(run.errors).toBeUndefined();
    const job = run.data.runFundraisingImport.job;
    mainJobId = job.id;
    expect(job).toMatchObject({ status: 'COMPLETED', dryRun: true, importedGifts: 3000, alreadyImportedGifts: 0, matchedContacts: 2, createdContacts: data.donors.length - 2, chunksDone: 1 });

    const after = await counts(platform, A);
    expect(after.contacts - before.contacts).toBe(data.donors.length - 2);
    expect(after.gifts - before.gifts).toBe(3000);
    expect(after.allocations - before.allocations).toBe(data.gifts.filter((g) => g.fundCode).length);
    expect(after.refs).toBe(new Set(data.donors.filter((d) => d.contactExternalId).map((d) => d.contactExternalId)).size);
    // One household per new person (households are on by default); none for organisations.
    expect(after.households - before.households).toBe(data.donors.filter((d) => d.kind === 'PERSON').length - 2);

    // Rollups of every donor equal the file's own totals (no event, no rebuild needed).
    const expected = expectedGiving(data);
    const rollups: { email: string | null; last_name: string; first_name: string | null; postcode: string | null; currency: string; total_minor: string; gift_count: number }[] = await withTenant(
      platform.services.fundraising!.runtime.ds,
      A,
      (m) => m.query(`SELECT c.email, c.first_name, c.last_name, c.postcode, r.currency, r.total_minor, r.gift_count FROM giving_rollups r JOIN contacts c ON c.id = r.subject_id WHERE r.subject_type = 'CONTACT'`),
    );
    const donorKey = (email: string | null, first: string | null, last: string, postcode: string | null) => email?.toLowerCase() ?? `${(first ?? '').toLowerCase()}|${last.toLowerCase()}|${postcode}`;
    const donors = new Map(data.donors.map((d) => [donorKey(d.email, d.firstName, d.lastName, d.postcode), d]));
    let checked = 0;
    for (const r of rollups) {
      const d = donors.get(donorKey(r.email, r.first_name, r.last_name, r.postcode))!;
      const extra = d.index === nameDonor.index && r.currency === 'GBP' ? 100 : 0; // + the earlier OLD-1 gift
      expect([d.index, r.currency, Number(r.total_minor)]).toEqual([d.index, r.currency, (expected.get(d.index)!.totals[r.currency] ?? 0) + extra]);
      checked++;
    }
    expect(checked).toBe([...expected.values()].reduce((n, e) => n + Object.keys(e.totals).length, 0));

    // Contact.giving through the gateway for the two matched contacts.
    const g1 = await a(GIVING, { id: emailDonorContactId });
    const e1 = expected.get(emailDonor.index)!;
    expect(g1.data.contact.giving.giftCount).toBe(e1.giftCount);
    expect(g1.data.contact.giving.totalsByCurrency).toEqual(expect.arrayContaining(Object.entries(e1.totals).map(([currency, amountMinor]) => ({ currency, amountMinor }))));
    expect(g1.data.contact.giving.lastGiftDate).toBe(e1.lastGiftAt);
    const [{ id }] = await withTenant(platform.services.fundraising!.runtime.ds, A, (m) => m.query(`SELECT contact_id AS id FROM gifts WHERE external_ref = 'OLD-1'`));
    nameDonorContactId = id;
    const g2 = await a(GIVING, { id: nameDonorContactId });
    expect(g2.data.contact.giving.giftCount).toBe(expected.get(nameDonor.index)!.giftCount + 1);

    // One audit row for the whole import, with its counts.
    const audit = await a(`query($id: ID!) { fundraisingAuditEvents(entityId: $id) { edges { node { action entityType after } } } }`, { id: job.id });
    expect(audit.data.fundraisingAuditEvents.edges).toHaveLength(1);
    expect(audit.data.fundraisingAuditEvents.edges[0].node).toMatchObject({ action: 'import.completed', entityType: 'FundraisingImport' });
    expect(JSON.parse(audit.data.fundraisingAuditEvents.edges[0].node.after)).toMatchObject({ importedGifts: 3000, matchedContacts: 2 });
  });

  it('adds nothing when the same file is imported again (external_id idempotency)', async () => {
    const before = await counts(platform, A);
    const print = await fingerprint(platform, A);
    const again = await startImport(a, data.csv, { dryRun: false });
    expect(again).toMatchObject({ status: 'COMPLETED', importedGifts: 0, alreadyImportedGifts: 3000, createdContacts: 0 });
    expect(await counts(platform, A)).toEqual({ ...before, jobs: before.jobs + 1 });
    expect(await fingerprint(platform, A)).toEqual(print);
  });

  it('adds only the new rows of a file that overlaps an earlier one, to the same contacts', async () => {
    const more = generateDataset({ rows: 3000, seed: 7, prefix: 'E2E' });
    const extra = { ...more.gifts[0]!, externalId: 'E2E-NEW-1', amountMinor: 4321, amountText: '43.21', currency: 'GBP' };
    const csv = toCsv([...more.gifts.slice(0, 10), extra]);
    const before = await counts(platform, A);
    const job = await startImport(a, csv, { dryRun: false });
    expect(job).toMatchObject({ importedGifts: 1, alreadyImportedGifts: 10, createdContacts: 0 });
    expect(await counts(platform, A)).toMatchObject({ contacts: before.contacts, gifts: before.gifts + 1 });
  });
});

describe('resuming after a crash', () => {
  it('continues from the first unfinished chunk and ends exactly like a clean run', async () => {
    const crashed = tenantName('imp-crash');
    const clean = tenantName('imp-clean');
    importTuning.chunkSize = 500;
    try {
      expect(await startImport(platform.as(clean), data.csv, { dryRun: false })).toMatchObject({ status: 'COMPLETED', chunksTotal: 6, importedGifts: 3000 });

      let failures = 0;
      importFaults.beforeChunkCommit = (_jobId, chunk) => {
        if (chunk === 2 && failures++ === 0) throw new Error('simulated crash before COMMIT');
      };
      const c = platform.as(crashed);
      const failed = await startImport(c, data.csv, { dryRun: false });
      expect(failed).toMatchObject({ status: 'FAILED', chunksTotal: 6, chunksDone: 2, importedGifts: 1000 });
      expect(failed.lastError).toMatch(/^chunk 3 of 6 failed: simulated crash before COMMIT; run the import again to resume$/);
      expect(await counts(platform, crashed)).toMatchObject({ gifts: 1000 });

      const resumed = await c(RUN, { input: { jobId: failed.id, idempotencyKey: key() } });
      expect(resumed.errors).toBeUndefined();
      expect(resumed.data.runFundraisingImport.job).toMatchObject({ status: 'COMPLETED', chunksDone: 6, importedGifts: 3000, lastError: null, createdContacts: data.donors.length });
    } finally {
      importFaults.beforeChunkCommit = undefined;
      importTuning.chunkSize = DEFAULT_CHUNK_SIZE;
    }
    expect(await fingerprint(platform, crashed)).toEqual(await fingerprint(platform, clean));
    const [x, y] = [await counts(platform, crashed), await counts(platform, clean)];
    expect({ ...x, jobs: 0 }).toEqual({ ...y, jobs: 0 });
  });
});

describe('idempotent replay', () => {
  it('returns the same job for the same key and refuses the key with other input', async () => {
    const T = tenantName('imp-replay');
    const t = platform.as(T);
    const csv = toCsv(data.gifts.slice(0, 20));
    const k = key();
    const first = await startImport(t, csv, { dryRun: true, idempotencyKey: k });
    const again = await startImport(t, csv, { dryRun: true, idempotencyKey: k });
    expect(again.id).toBe(first.id);
    expect((await counts(platform, T)).jobs).toBe(1);
    const other = await t(START, { input: { fileName: 'gifts.csv', csv: toCsv(data.gifts.slice(0, 21)), dryRun: true, idempotencyKey: k } });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'input.idempotencyKey' });

    const runKey = key();
    const run1 = await t(RUN, { input: { jobId: first.id, idempotencyKey: runKey } });
    const run2 = await t(RUN, { input: { jobId: first.id, idempotencyKey: runKey } });
    expect(run1.data.runFundraisingImport.job).toMatchObject({ id: first.id, status: 'COMPLETED', importedGifts: 20 });
    expect(run2.data.runFundraisingImport.job).toMatchObject({ id: first.id, status: 'COMPLETED', importedGifts: 20 });
    expect((await counts(platform, T)).gifts).toBe(20);
  });
});

describe('bad input', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['blank fileName', { fileName: '  ' }, 'BAD_USER_INPUT', 'input.fileName'],
    ['empty csv', { csv: '' }, 'BAD_USER_INPUT', 'input.csv'],
    ['unknown column', { csv: 'external_id,last_name,amount,received_at,colour\nG,S,1,2024-01-01,red' }, 'BAD_USER_INPUT', 'input.csv'],
    ['missing required column', { csv: 'external_id,last_name,amount\nG,S,1' }, 'BAD_USER_INPUT', 'input.csv'],
    ['broken quoting', { csv: 'external_id,last_name,amount,received_at\n"G,S,1,2024-01-01' }, 'BAD_USER_INPUT', 'input.csv'],
    ['blank idempotency key', { idempotencyKey: '' }, 'BAD_USER_INPUT', 'input.idempotencyKey'],
    ['missing dryRun', { dryRun: undefined }, 'BAD_USER_INPUT', 'input.dryRun'],
  ])('startFundraisingImport: %s → %s on %s, nothing written', async (_, patch, code, field) => {
    const T = tenantName('imp-bad');
    const r = await platform.as(T)(START, { input: { fileName: 'x.csv', csv: 'external_id,last_name,first_name,amount,received_at\nG,S,J,1,2024-01-01', dryRun: false, idempotencyKey: key(), ...patch } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(await counts(platform, T)).toMatchObject({ jobs: 0, contacts: 0, gifts: 0 });
  });

  it.each([
    ['not an id', 'nope', 'NOT_FOUND', 'input.jobId'],
    ['an unknown id', '00000000-0000-4000-8000-000000000000', 'NOT_FOUND', 'input.jobId'],
  ])('runFundraisingImport: %s → %s on %s', async (_, jobId, code, field) => {
    const r = await a(RUN, { input: { jobId, idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
  });
});

describe('tenant isolation', () => {
  it('B cannot read, list or run A’s import job, nor see its contacts and gifts', async () => {
    expect((await b(JOB, { id: mainJobId })).data.fundraisingImportJob).toBeNull();
    expect((await a(JOB, { id: mainJobId })).data.fundraisingImportJob.id).toBe(mainJobId);
    const list = await b(`{ fundraisingImportJobs(first: 100) { edges { node { id } } } }`);
    expect(list.data.fundraisingImportJobs.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(mainJobId);
    const aList = await a(`{ fundraisingImportJobs(first: 100) { edges { node { id } } } }`);
    expect(aList.data.fundraisingImportJobs.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(mainJobId);
    const run = await b(RUN, { input: { jobId: mainJobId, idempotencyKey: key() } });
    expect(run.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.jobId' });
    expect(await counts(platform, B)).toMatchObject({ contacts: 0, gifts: 0, jobs: 0 });
  });

  it('B importing the same file gets its own contacts: nothing matches across tenants', async () => {
    const job = await startImport(b, toCsv(data.gifts.slice(0, 50)), { dryRun: false });
    expect(job).toMatchObject({ status: 'COMPLETED', importedGifts: 50, alreadyImportedGifts: 0, matchedContacts: 0 });
  });
});

describe('POST /imports (raw CSV, for files over the 1 MB GraphQL limit)', () => {
  const url = () => platform.services.fundraising!.url.replace(/\/graphql$/, '/imports');

  it('refuses a caller without a valid token before reading the body (no 64 MB upload for an anonymous client)', async () => {
    const target = new URL(url());
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // Announce 50 MB, send one small chunk, and never the rest: only an answer that did not wait
      // for the body can arrive.
      const req = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}?fileName=x.csv`, method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': String(50 * 1024 * 1024) } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('external_id,amount,received_at\n');
      setTimeout(() => reject(new Error('no answer: the body was being read first')), 5000).unref();
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('validates a file larger than 1 MB and imports it with the same idempotency rules', async () => {
    const T = tenantName('imp-http');
    const big = generateDataset({ rows: 8000, seed: 11, prefix: 'HTTP' });
    expect(Buffer.byteLength(big.csv)).toBeGreaterThan(1024 * 1024);
    const post = async (query: string, idem: string) =>
      fetch(`${url()}?${query}`, { method: 'POST', headers: { ...bearer(await platform.token(T)), 'content-type': 'text/csv', 'idempotency-key': idem }, body: big.csv });
    const res = await post('fileName=big.csv&dryRun=true', key());
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.job).toMatchObject({ status: 'VALIDATED', totalRows: 8000, validRows: 8000, invalidRows: 0 });
    expect(body.errors).toEqual([]);
    expect(await counts(platform, T)).toMatchObject({ gifts: 0, contacts: 0 });

    const run = await platform.as(T)(RUN, { input: { jobId: body.job.id, idempotencyKey: key() } });
    expect(run.data.runFundraisingImport.job).toMatchObject({ status: 'COMPLETED', importedGifts: 8000, chunksTotal: 1 });
  });

  it('answers 401 without a token, 400 naming the field for bad input', async () => {
    const noToken = await fetch(`${url()}?fileName=x.csv`, { method: 'POST', headers: { 'content-type': 'text/csv', 'idempotency-key': key() }, body: 'a,b\n' });
    expect(noToken.status).toBe(401);
    const T = tenantName('imp-http-bad');
    const token = await platform.token(T);
    const bad = await fetch(`${url()}?fileName=x.csv`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'text/csv', 'idempotency-key': key() }, body: 'external_id,amount\nG,1\n' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.csv' });
    const badFlag = await fetch(`${url()}?fileName=x.csv&dryRun=maybe`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'text/csv', 'idempotency-key': key() }, body: badCsv });
    expect(((await badFlag.json()) as any).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.dryRun' });
    const noKey = await fetch(`${url()}?fileName=x.csv`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'text/csv' }, body: badCsv });
    expect(((await noKey.json()) as any).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.idempotencyKey' });
    expect(await counts(platform, T)).toMatchObject({ jobs: 0 });
  });
});
