import type { EntityManager } from 'typeorm';
import type { ReminderChannel } from './reminder';

/** What a bulk reminder needs of an apartment: where it is, its balance and its first owner (erased owners skipped). */
export interface ReminderTarget {
  apartmentId: string;
  unit: string;
  paymentReference: string;
  building: { name: string; line1: string; line2: string | null; city: string; postcode: string; currency: string };
  balanceMinor: number;
  owner: {
    name: string | null;
    email: string | null;
    phone: string | null;
    postalAddress: string | null;
    preferredChannel: ReminderChannel;
    consent: Record<ReminderChannel, boolean>;
  } | null;
}

/** The targets of a command's apartments in one statement (absent apartments are missing from the map). */
export async function reminderTargets(m: EntityManager, tenantId: string, apartmentIds: string[]): Promise<Map<string, ReminderTarget>> {
  const rows = await m.query(
    `SELECT a.id, a.unit, a.payment_reference, b.name AS b_name, b.address_line1, b.address_line2, b.city, b.postcode, b.currency,
            COALESCE((SELECT sum(e.amount_minor) FROM ledger_entries e WHERE e.tenant_id = a.tenant_id AND e.apartment_id = a.id), 0)::bigint AS balance,
            o.name, o.email, o.phone, o.postal_address, o.preferred_channel, o.consent_email, o.consent_sms, o.consent_letter, o.id AS party_id
       FROM apartments a JOIN buildings b ON b.id = a.building_id
       LEFT JOIN LATERAL (SELECT * FROM apartment_parties p WHERE p.tenant_id = a.tenant_id AND p.apartment_id = a.id AND p.role = 'owner' AND p.erased_at IS NULL
                          ORDER BY p.created_at, p.id LIMIT 1) o ON true
      WHERE a.tenant_id = $1 AND a.id = ANY($2::uuid[])`,
    [tenantId, apartmentIds],
  );
  return new Map(
    rows.map((r: any): [string, ReminderTarget] => [
      r.id,
      {
        apartmentId: r.id,
        unit: r.unit,
        paymentReference: r.payment_reference,
        building: { name: r.b_name, line1: r.address_line1, line2: r.address_line2, city: r.city, postcode: r.postcode, currency: r.currency },
        balanceMinor: Number(r.balance),
        owner: r.party_id
          ? { name: r.name, email: r.email, phone: r.phone, postalAddress: r.postal_address, preferredChannel: r.preferred_channel, consent: { email: r.consent_email, sms: r.consent_sms, letter: r.consent_letter } }
          : null,
      },
    ]),
  );
}
