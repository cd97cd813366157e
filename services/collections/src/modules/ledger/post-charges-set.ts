import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, fingerprint, isUuid, newEvent, notFound, oneOf, publishEvents, requestScope, type EventRegistry } from '@commonhold/kit';
import type { AnyEvent } from '@commonhold/kit';
import { optionalText } from '../buildings';
import { calendarDate, CHARGE_TYPES } from './ledger';
import { todayUtc } from './post-entry';

/** One charge of a set: its idempotency key (a bulk item id), the apartment and the amount. */
export interface SetCharge {
  key: string;
  apartmentId: string;
  amountMinor: number;
}

/** What the charges of a set share (one bulk command). */
export interface ChargeSet {
  actor: string;
  type: string;
  currency: string;
  bookedOn: string | null;
  dueOn: string | null;
  description: string | null;
  charges: SetCharge[];
}

export type SetChargeOutcome =
  | { key: string; status: 'posted'; entryId: string }
  | { key: string; status: 'failed'; error: { code: string; message: string; field: string | null } };

const OPERATION = 'postCharge';

const traceIdNow = (): string | null => {
  const span = trace.getActiveSpan()?.spanContext();
  return (span && span.traceId !== '00000000000000000000000000000000' ? span.traceId : undefined) ?? requestScope.getStore()?.traceId ?? null;
};

const failure = (err: AppError) => ({
  code: String(err.extensions.code),
  message: err.message,
  field: typeof err.extensions.field === 'string' ? err.extensions.field.replace(/^input\./, '') : null,
});

/**
 * Posts many charges set-based, in the caller's transaction: the same rules, idempotency, audit and
 * `ledger-entry.posted` events as `postCharge` for each charge, in three statements for the whole
 * set instead of ~10 per charge:
 *
 *  1. one read of the apartments with their buildings' currencies validates each charge
 *     (NOT_FOUND on apartmentId, BAD_USER_INPUT on amount.*); a set-level mistake (type, dates,
 *     description) fails every charge with its field;
 *  2. one statement reads the keys already used (`idempotency_keys`, operation `postCharge`, so a
 *     charge posted one at a time answers here too, and the other way round), claims the valid
 *     charges' keys (`INSERT … ON CONFLICT DO NOTHING RETURNING`), appends the entries of the keys it
 *     claimed and writes their audit rows (with the trace id);
 *  3. one INSERT writes the outbox rows: the caller's `answer` events, then the entries' events.
 *
 * A key already used answers with the entry it posted (even if the charge would not validate now:
 * a replay), or IDEMPOTENCY_CONFLICT when it was used with other input; a key a concurrent request
 * claimed during step 2 is read back after it.
 */
export async function postChargesSetBased(
  m: EntityManager,
  registry: EventRegistry,
  tenantId: string,
  set: ChargeSet,
  answer: (outcomes: SetChargeOutcome[]) => AnyEvent[] = () => [],
): Promise<SetChargeOutcome[]> {
  const invalid = new Map<string, SetChargeOutcome>();
  const fail = (key: string, err: AppError) => invalid.set(key, { key, status: 'failed', error: failure(err) });
  const charges = [...new Map(set.charges.map((c) => [c.key, c])).values()];
  const fps = new Map(
    charges.map((c) => [
      c.key,
      fingerprint({ apartmentId: c.apartmentId, type: set.type, amount: { amountMinor: c.amountMinor, currency: set.currency }, bookedOn: set.bookedOn, dueOn: set.dueOn, description: set.description }),
    ]),
  );
  const fromPrior = (p: { key: string; fingerprint: string; result: unknown }): SetChargeOutcome =>
    p.fingerprint !== fps.get(p.key)
      ? { key: p.key, status: 'failed', error: failure(new AppError('IDEMPOTENCY_CONFLICT', `idempotencyKey "${p.key}" was already used for ${OPERATION} with different input`, { field: 'input.idempotencyKey' })) }
      : typeof p.result === 'string'
        ? { key: p.key, status: 'posted', entryId: p.result }
        : { key: p.key, status: 'failed', error: failure(new AppError('CONFLICT', 'The idempotency key is in use by a request that has not finished; retry')) };

  // 1. Validation: the set's fields once, then each charge against its apartment.
  let type = '', bookedOn = '', dueOn = '', description: string | null = null;
  let setError: AppError | null = null;
  try {
    type = oneOf('input.type', CHARGE_TYPES, set.type.toLowerCase());
    bookedOn = set.bookedOn == null ? todayUtc() : calendarDate('input.bookedOn', set.bookedOn);
    dueOn = set.dueOn == null ? bookedOn : calendarDate('input.dueOn', set.dueOn);
    description = optionalText('input.description', set.description, 500);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    setError = err;
  }
  const rows: { key: string; fp: string; entry_id: string; apartment_id: string; building_id: string; amount_minor: number; after: unknown }[] = [];
  if (setError) for (const c of charges) fail(c.key, setError);
  else {
    const ids = [...new Set(charges.map((c) => c.apartmentId).filter((id) => isUuid(id)))];
    const apartments = new Map<string, { building_id: string; currency: string }>(
      ids.length
        ? (
            await m.query(
              `SELECT a.id, a.building_id, b.currency FROM apartments a JOIN buildings b ON b.id = a.building_id AND b.tenant_id = a.tenant_id
                WHERE a.tenant_id = $1 AND a.id = ANY($2::uuid[])`,
              [tenantId, ids],
            )
          ).map((r: { id: string; building_id: string; currency: string }) => [r.id, r])
        : [],
    );
    for (const c of charges) {
      const apt = apartments.get(c.apartmentId);
      if (!apt) fail(c.key, notFound('input.apartmentId', 'No such apartment'));
      else if (!Number.isSafeInteger(c.amountMinor) || c.amountMinor <= 0) fail(c.key, badInput('input.amount.amountMinor', 'amountMinor must be greater than zero'));
      else if (set.currency !== apt.currency) fail(c.key, new AppError('BAD_USER_INPUT', `The building keeps its ledger in ${apt.currency}`, { field: 'input.amount.currency' }));
      else {
        const entryId = randomUUID();
        rows.push({
          key: c.key,
          fp: fps.get(c.key)!,
          entry_id: entryId,
          apartment_id: c.apartmentId,
          building_id: apt.building_id,
          amount_minor: c.amountMinor,
          after: { apartmentId: c.apartmentId, kind: 'charge', subtype: type, amountMinor: c.amountMinor, currency: set.currency, bookedOn, dueOn, reversesId: null },
        });
      }
    }
  }

  // 2. Keys already used, and the valid charges claimed, appended and audited, in one statement.
  const result: { key: string; prior_fingerprint: string | null; prior_result: unknown; claimed: boolean }[] = await m.query(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(key text, fp text, entry_id uuid, apartment_id uuid, building_id uuid, amount_minor bigint, after jsonb)
     ), prior AS (
       SELECT key, fingerprint, result FROM idempotency_keys WHERE tenant_id = $1 AND operation = $3 AND key = ANY($4::text[])
     ), claimed AS (
       INSERT INTO idempotency_keys (tenant_id, operation, key, fingerprint, result)
       SELECT $1, $3, x.key, x.fp, to_jsonb(x.entry_id::text) FROM x WHERE x.key NOT IN (SELECT key FROM prior)
       ON CONFLICT DO NOTHING RETURNING key
     ), entries AS (
       -- Data-modifying CTEs run to completion whether or not the final SELECT reads them.
       INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, due_on, description, created_by)
       SELECT x.entry_id, $1, x.building_id, x.apartment_id, 'charge', $5, x.amount_minor, $6, $7::date, $8::date, $9, $10
         FROM x JOIN claimed USING (key)
     ), audited AS (
       INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, after, trace_id, request_id)
       SELECT $1, $10, 'ledger.charge.posted', 'ledger-entry', x.entry_id::text, x.after, $11, $12
         FROM x JOIN claimed USING (key)
     )
     SELECT k.key, p.fingerprint AS prior_fingerprint, p.result AS prior_result, c.key IS NOT NULL AS claimed
       FROM unnest($4::text[]) AS k(key) LEFT JOIN prior p USING (key) LEFT JOIN claimed c USING (key)`,
    [
      tenantId,
      JSON.stringify(rows),
      OPERATION,
      charges.map((c) => c.key),
      type,
      set.currency,
      bookedOn || null,
      dueOn || null,
      description,
      set.actor,
      traceIdNow(),
      requestScope.getStore()?.requestId ?? null,
    ],
  );
  const byKey = new Map(result.map((r) => [r.key, r]));
  const byRow = new Map(rows.map((r) => [r.key, r]));
  const outcome = new Map<string, SetChargeOutcome>();
  const raced: string[] = [];
  for (const c of charges) {
    const r = byKey.get(c.key)!;
    if (r.prior_fingerprint !== null) outcome.set(c.key, fromPrior({ key: c.key, fingerprint: r.prior_fingerprint, result: r.prior_result }));
    else if (invalid.has(c.key)) outcome.set(c.key, invalid.get(c.key)!);
    else if (r.claimed) outcome.set(c.key, { key: c.key, status: 'posted', entryId: byRow.get(c.key)!.entry_id });
    else raced.push(c.key);
  }
  // Keys a concurrent request claimed during the statement answer with what it posted.
  if (raced.length) {
    const prior: { key: string; fingerprint: string; result: unknown }[] = await m.query(
      `SELECT key, fingerprint, result FROM idempotency_keys WHERE tenant_id = $1 AND operation = $2 AND key = ANY($3::text[])`,
      [tenantId, OPERATION, raced],
    );
    for (const p of prior) outcome.set(p.key, fromPrior(p));
  }
  const outcomes = charges.map((c) => outcome.get(c.key)!);

  // 3. The ledger events of the entries appended here, and the caller's answer, in one outbox INSERT.
  const posted = rows.filter((r) => byKey.get(r.key)?.claimed && byKey.get(r.key)?.prior_fingerprint === null);
  // The answer first: the relay publishes in outbox order, so the caller hears back without waiting
  // for the chunk's (up to 2,000) ledger events to be relayed; they are on other topics and
  // consumers, whose order among themselves is unchanged.
  await publishEvents(m, registry, tenantId, [
    ...answer(outcomes),
    ...posted.map((r) =>
      newEvent(
        'commonhold.collections.ledger-entry.posted.v1',
        r.entry_id,
        {
          entryId: r.entry_id,
          apartmentId: r.apartment_id,
          buildingId: r.building_id,
          kind: 'charge',
          subtype: type,
          amount: { amountMinor: r.amount_minor, currency: set.currency },
          bookedOn,
          dueOn,
          reversesId: null,
        },
        r.apartment_id,
      ),
    ),
  ]);
  return outcomes;
}
