import type { EntityManager } from 'typeorm';

/**
 * What intake keeps about a contact that erasure must remove: the raw provider payloads linked to
 * them (names, emails, addresses as the provider sent them) and the provider customer links (so a
 * later payment creates a fresh contact rather than finding the erased one). Gifts and agreements
 * stay (financial records) under the erased contact. Call inside the erasure's tenant transaction.
 */
export async function eraseIntakeData(m: EntityManager, contactId: string): Promise<void> {
  await m.query(
    `UPDATE provider_events SET payload = jsonb_build_object('erased', true, 'id', payload->'id') WHERE contact_id = $1`,
    [contactId],
  );
  await m.query(`DELETE FROM provider_customers WHERE contact_id = $1`, [contactId]);
}
