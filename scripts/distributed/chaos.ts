// The chaos drill's engine (docs/runbooks/chaos-drill.md): per fault, a bounded load through the
// gateway (contacts, then gifts for each, every call with an idempotency key and retried on
// retryable failures) while the fault is injected; then it waits for the event path to converge
// and counts from the databases: accepted vs stored vs projected (volunteers' known_contacts) vs
// rolled up (fundraising's giving rollups), lost and duplicated. Used by `npm run drill:chaos` and
// test/e2e/chaos-drill.e2e-spec.ts.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DistributedStack } from './stack';

export const FAULTS = ['kill-fundraising', 'kill-volunteers', 'broker-restart', 'terminate-relay', 'gateway-restart'] as const;
export type FaultName = (typeof FAULTS)[number];

export interface DrillOptions {
  stack: DistributedStack;
  /** Superuser URL of the PostgreSQL holding the stack's databases (counts bypass RLS). */
  adminUrl: string;
  token(tenant: string): Promise<string>;
  /** Kills the broker (SIGKILL) and starts it again on its data; needed for `broker-restart`. */
  restartBroker?: () => Promise<void>;
  faults: readonly FaultName[];
  contactsPerFault: number;
  giftsPerContact: number;
  concurrency: number;
  /** Longest wait for projections and rollups to catch up after the load (default 120 s). */
  convergenceTimeoutMs?: number;
  /** Longest a client keeps retrying one call (default 120 s). */
  retryForMs?: number;
  log?: (s: string) => void;
}

export interface FaultResult {
  fault: FaultName;
  tenant: string;
  /** Calls the client saw succeed (after its retries) / gave up on. */
  accepted: { contacts: number; gifts: number };
  failed: number;
  /** Attempts retried (network errors, 502/503/504, SERVICE_UNAVAILABLE, RATE_LIMITED) and INTERNAL answers seen. */
  retries: number;
  internalErrors: number;
  stored: { contacts: number; gifts: number };
  projected: number;
  rolledUp: { gifts: number; contactsMatching: number };
  lost: number;
  duplicated: number;
  /** From the end of the load until stored = projected = rolled up (null: never within the timeout). */
  convergenceSeconds: number | null;
  faultSeconds: number;
  loadSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dbUrl = (adminUrl: string, database: string) => {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
};

async function withDb<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url, application_name: 'chaos-drill' });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

type Outcome = { ok: true; data: any } | { ok: false; retryable: boolean; internal: boolean; why: string };

async function call(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    return { ok: false, retryable: true, internal: false, why: `network: ${(err as Error).cause ? String((err as { cause: unknown }).cause) : (err as Error).message}` };
  }
  let body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    return { ok: false, retryable: res.status >= 500, internal: false, why: `HTTP ${res.status} without JSON` };
  }
  const codes = (body.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
  if (!codes.length && body.data) return { ok: true, data: body.data };
  const retryable = codes.every((c) => c === 'SERVICE_UNAVAILABLE' || c === 'RATE_LIMITED') || [502, 503, 504].includes(res.status);
  return { ok: false, retryable, internal: codes.includes('INTERNAL'), why: `HTTP ${res.status} ${codes.join(',')}: ${body.errors?.[0]?.message ?? ''}` };
}

const CREATE_CONTACT = 'mutation($k: String!, $f: String!, $l: String!) { createContact(input: { firstName: $f, lastName: $l, idempotencyKey: $k }) { contact { id } } }';
const RECORD_GIFT = 'mutation($k: String!, $c: ID!, $a: SafeInt!) { recordGift(input: { contactId: $c, amount: { amountMinor: $a, currency: "GBP" }, receivedAt: "2026-11-01T00:00:00Z", idempotencyKey: $k }) { gift { id } } }';

/** Injects one fault; resolves once the faulty part is back (restarted / reconnected). */
async function inject(fault: FaultName, o: DrillOptions): Promise<void> {
  const { stack } = o;
  switch (fault) {
    case 'kill-fundraising':
    case 'kill-volunteers': {
      const svc = stack.services[fault.slice('kill-'.length)];
      if (!svc) throw new Error(`${fault}: service not in the stack`);
      await svc.kill9();
      await sleep(1000);
      await svc.start();
      return;
    }
    case 'broker-restart':
      if (!o.restartBroker) throw new Error('broker-restart needs restartBroker (a broker of the drill’s own)');
      await o.restartBroker();
      return;
    case 'terminate-relay': {
      const db = stack.databases.fundraising!;
      // The relay's session connection (LISTEN, leadership lock, open batch): terminated mid-load.
      for (let i = 0; i < 50; i++) {
        const n = await withDb(dbUrl(o.adminUrl, 'postgres'), async (c) =>
          (await c.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE '%outbox-relay%'`, [db.database])).rows[0].n as number,
        );
        if (n > 0) return;
        await sleep(100);
      }
      throw new Error('terminate-relay: no outbox-relay connection found');
    }
    case 'gateway-restart':
      await stack.gateway.stop(); // SIGTERM: drains in-flight requests
      await stack.gateway.start();
      return;
  }
}

interface Counts {
  contacts: number;
  gifts: number;
  giftsRolledUp: number;
  contactsMatching: number;
  projected: number;
  contactIds: Set<string>;
  giftIds: Set<string>;
}

async function count(o: DrillOptions, tenant: string): Promise<Counts> {
  const f = o.stack.databases.fundraising!;
  const v = o.stack.databases.volunteers!;
  const fr = await withDb(dbUrl(o.adminUrl, f.database), async (c) => {
    const contacts = (await c.query('SELECT id FROM contacts WHERE tenant_id = $1', [tenant])).rows.map((r) => r.id as string);
    const gifts = (await c.query('SELECT id, rolled_up FROM gifts WHERE tenant_id = $1', [tenant])).rows as { id: string; rolled_up: boolean }[];
    // A contact's rollup equals its gifts exactly (a double-applied event would show here).
    const matching = (
      await c.query(
        `SELECT count(*)::int AS n FROM (SELECT contact_id, sum(amount_minor) AS total, count(*) AS cnt FROM gifts WHERE tenant_id = $1 GROUP BY contact_id) g
         JOIN giving_rollups r ON r.tenant_id = $1 AND r.subject_type = 'CONTACT' AND r.subject_id = g.contact_id AND r.currency = 'GBP'
         WHERE r.total_minor = g.total AND r.gift_count = g.cnt`,
        [tenant],
      )
    ).rows[0].n as number;
    return { contacts, gifts, matching };
  });
  const projected = await withDb(dbUrl(o.adminUrl, v.database), async (c) => (await c.query('SELECT count(*)::int AS n FROM known_contacts WHERE tenant_id = $1', [tenant])).rows[0].n as number);
  return {
    contacts: fr.contacts.length,
    gifts: fr.gifts.length,
    giftsRolledUp: fr.gifts.filter((g) => g.rolled_up).length,
    contactsMatching: fr.matching,
    projected,
    contactIds: new Set(fr.contacts),
    giftIds: new Set(fr.gifts.map((g) => g.id)),
  };
}

async function runFault(fault: FaultName, o: DrillOptions): Promise<FaultResult> {
  const log = o.log ?? (() => undefined);
  const tenant = `chaos-${fault}-${randomBytes(3).toString('hex')}`;
  const token = await o.token(tenant);
  const retryFor = o.retryForMs ?? 120_000;
  let retries = 0;
  let internalErrors = 0;
  let failed = 0;
  let done = 0;
  const acceptedContacts = new Set<string>();
  const acceptedGifts = new Set<string>();

  /** One logical call: the same idempotency key on every attempt until it succeeds or time runs out. */
  const attempt = async (query: string, variables: Record<string, unknown>): Promise<any | undefined> => {
    const deadline = Date.now() + retryFor;
    for (let n = 0; ; n++) {
      const r = await call(o.stack.gatewayUrl, token, query, variables);
      if (r.ok) return r.data;
      if (r.internal) internalErrors++;
      if (Date.now() > deadline || (!r.retryable && !r.internal)) {
        failed++;
        log(`  ${fault}: gave up on ${variables.k}: ${r.why}`);
        return undefined;
      }
      retries++;
      await sleep(Math.min(2000, 100 * 2 ** Math.min(n, 5)));
    }
  };

  const tasks = Array.from({ length: o.contactsPerFault }, (_, i) => async () => {
    const c = await attempt(CREATE_CONTACT, { k: `${tenant}-c${i}`, f: `Ada${i}`, l: 'Chaos' });
    const contactId = c?.createContact.contact.id as string | undefined;
    done++;
    if (!contactId) return;
    acceptedContacts.add(contactId);
    for (let j = 0; j < o.giftsPerContact; j++) {
      const g = await attempt(RECORD_GIFT, { k: `${tenant}-g${i}-${j}`, c: contactId, a: 100 * (i + 1) + j });
      if (g) acceptedGifts.add(g.recordGift.gift.id as string);
    }
  });

  const t0 = Date.now();
  let next = 0;
  const workers = Array.from({ length: o.concurrency }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  });
  // The fault lands once a third of the contacts are in, while the load keeps going.
  while (done < Math.ceil(o.contactsPerFault / 3) && next < tasks.length) await sleep(50);
  const f0 = Date.now();
  log(`  ${fault}: injecting after ${done} contacts`);
  await inject(fault, o);
  const faultSeconds = (Date.now() - f0) / 1000;
  await Promise.all(workers);
  const loadEnd = Date.now();
  const loadSeconds = (loadEnd - t0) / 1000;

  // Convergence: everything stored is projected and rolled up.
  let c = await count(o, tenant);
  let convergenceSeconds: number | null = null;
  const deadline = loadEnd + (o.convergenceTimeoutMs ?? 120_000);
  for (;;) {
    if (c.projected === c.contacts && c.giftsRolledUp === c.gifts && c.contactsMatching === c.contacts) {
      convergenceSeconds = (Date.now() - loadEnd) / 1000;
      break;
    }
    if (Date.now() > deadline) break;
    await sleep(250);
    c = await count(o, tenant);
  }

  const missingContacts = [...acceptedContacts].filter((id) => !c.contactIds.has(id)).length;
  const missingGifts = [...acceptedGifts].filter((id) => !c.giftIds.has(id)).length;
  // Accepted but not stored, stored but never projected, stored but never rolled up (or wrong).
  const lost = missingContacts + missingGifts + Math.max(0, c.contacts - c.projected) + Math.max(0, c.gifts - c.giftsRolledUp);
  // Rows beyond one per logical call (an idempotency key applied twice), and rollups not equal to
  // their gifts although every gift is rolled up (an event applied twice).
  const duplicated = Math.max(0, c.contacts - o.contactsPerFault) + Math.max(0, c.gifts - o.contactsPerFault * o.giftsPerContact) + (c.giftsRolledUp === c.gifts ? c.contacts - c.contactsMatching : 0);
  return {
    fault,
    tenant,
    accepted: { contacts: acceptedContacts.size, gifts: acceptedGifts.size },
    failed,
    retries,
    internalErrors,
    stored: { contacts: c.contacts, gifts: c.gifts },
    projected: c.projected,
    rolledUp: { gifts: c.giftsRolledUp, contactsMatching: c.contactsMatching },
    lost,
    duplicated,
    convergenceSeconds,
    faultSeconds,
    loadSeconds,
  };
}

/** Runs each fault in turn (a fresh tenant each) and returns one result per fault. */
export async function runChaosDrill(o: DrillOptions): Promise<FaultResult[]> {
  const results: FaultResult[] = [];
  for (const fault of o.faults) {
    o.log?.(`fault ${fault}: ${o.contactsPerFault} contacts × (1 + ${o.giftsPerContact} gifts), ${o.concurrency} concurrent clients`);
    const r = await runFault(fault, o);
    o.log?.(`  ${summaryLine(r)}`);
    results.push(r);
  }
  return results;
}

export const drillPassed = (results: FaultResult[]): boolean => results.every((r) => r.lost === 0 && r.duplicated === 0 && r.failed === 0 && r.convergenceSeconds !== null);

export function summaryLine(r: FaultResult): string {
  return `${r.fault}: accepted ${r.accepted.contacts}+${r.accepted.gifts}, stored ${r.stored.contacts}+${r.stored.gifts}, projected ${r.projected}, rolled up ${r.rolledUp.gifts} gifts (${r.rolledUp.contactsMatching} contacts exact), lost ${r.lost}, duplicated ${r.duplicated}, failed ${r.failed}, retries ${r.retries}, INTERNAL ${r.internalErrors}, load ${r.loadSeconds.toFixed(1)}s, fault ${r.faultSeconds.toFixed(1)}s, converged ${r.convergenceSeconds === null ? 'NEVER' : `${r.convergenceSeconds.toFixed(1)}s`} after the load`;
}

/** A Markdown table of the results (for the runbook). */
export function resultsTable(results: FaultResult[]): string {
  const head = '| fault | accepted (contacts + gifts) | stored | projected | rolled up (gifts / contacts exact) | lost | duplicated | client retries | INTERNAL seen | load took | fault took | converged after load |\n|---|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = results.map((r) => `| ${r.fault} | ${r.accepted.contacts} + ${r.accepted.gifts} | ${r.stored.contacts} + ${r.stored.gifts} | ${r.projected} | ${r.rolledUp.gifts} / ${r.rolledUp.contactsMatching} | ${r.lost} | ${r.duplicated} | ${r.retries} | ${r.internalErrors} | ${r.loadSeconds.toFixed(1)} s | ${r.faultSeconds.toFixed(1)} s | ${r.convergenceSeconds === null ? 'never' : `${r.convergenceSeconds.toFixed(1)} s`} |`);
  return [head, ...rows].join('\n');
}
