import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import type { DataSource } from 'typeorm';
import { ensureTenant, findUserByEmail, insertUser, upsertMembership } from './account.store';
import { hashPassword } from './password-hash';

export const DEMO_TENANT = 'demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.commonhold.test';

/** The embedded default's demo tenant and its admin (global scope); changes nothing when they exist. */
export async function seedDemo(ds: DataSource, password: string): Promise<{ tenant: string; email: string; created: boolean }> {
  const hash = await hashPassword(password);
  const created = await withTenant(ds, DEMO_TENANT, async (m) => {
    await ensureTenant(m, DEMO_TENANT, 'Demo');
    if (await findUserByEmail(m, DEMO_TENANT, DEMO_ADMIN_EMAIL)) return false;
    const id = randomUUID();
    await insertUser(m, DEMO_TENANT, { id, email: DEMO_ADMIN_EMAIL, displayName: 'Demo admin', passwordHash: hash, status: 'active' });
    await upsertMembership(m, DEMO_TENANT, id, { roles: ['admin'], scope: 'global' });
    return true;
  });
  return { tenant: DEMO_TENANT, email: DEMO_ADMIN_EMAIL, created };
}
