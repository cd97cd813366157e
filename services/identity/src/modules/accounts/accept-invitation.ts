import type { DataSource } from 'typeorm';
import { AppError, writeAudit, type PublicLinkVerifier } from '@commonhold/kit';
import { redeemPublicLink } from '../public-links';
import { findUser, setPassword } from './account.store';
import { acceptablePassword } from './password';
import { hashPassword } from './password-hash';

/**
 * Sets an invited user's password through their invitation link: the link's one use is taken in
 * the same transaction as the password, so a refused password (NIST rules) leaves the link usable.
 */
export async function acceptInvitation(ds: DataSource, verify: PublicLinkVerifier, cmd: { token: unknown; password: unknown; ip: string }): Promise<string> {
  const { result } = await redeemPublicLink(ds, verify, cmd.token, { purpose: 'invitation' }, async (m, link) => {
    const user = await findUser(m, link.tenantId, link.subjectId);
    if (!user || user.status !== 'invited') throw new AppError('CONFLICT', 'This invitation has already been accepted', { details: { reason: 'used' } });
    const password = acceptablePassword('password', cmd.password, [user.email, user.email.split('@')[0]!, user.displayName]);
    await setPassword(m, link.tenantId, user.id, await hashPassword(password));
    await writeAudit(m, { tenantId: link.tenantId, actor: user.id, action: 'user.activated', entityType: 'User', entityId: user.id, after: { status: 'active' } });
    await m.query('INSERT INTO security_events (tenant_id, kind, user_id, ip) VALUES ($1, $2, $3, $4)', [link.tenantId, 'password_set', user.id, cmd.ip]);
    return user.id;
  });
  return result!;
}
