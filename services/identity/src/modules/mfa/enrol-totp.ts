import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, notFound, writeAudit, type TenantSecrets } from '@commonhold/kit';
import { findUser } from '../accounts';
import { acceptStep, deleteFactor, findFactor, putPendingFactor, replaceRecoveryCodes, setTenantRequiresMfa, tenantRequiresMfa } from './mfa.store';
import { checkTotp, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpUri } from './totp';

/** The column context the TOTP secret is sealed under (TenantSecrets binds tenant and context). */
export const TOTP_SEAL_CONTEXT = 'totp_factors.secret';
const ISSUER = 'Commonhold';

interface Cmd<I> {
  tenantId: string;
  actor: string;
  input: I & { idempotencyKey: string };
}

/**
 * Starts (or restarts) a member's TOTP enrolment: a new secret, sealed at rest, answered once as an
 * `otpauth://` URI. Nothing changes at sign-in until a first code confirms it. A replay answers
 * `otpauthUri: null` (the secret is not kept anywhere it could be answered from again).
 */
export async function startTotpEnrolment(m: EntityManager, secrets: TenantSecrets, cmd: Cmd<object>): Promise<{ otpauthUri: string | null }> {
  const { tenantId, actor } = cmd;
  let otpauthUri: string | null = null;
  await idempotent(m, tenantId, 'startTotpEnrolment', cmd.input, async () => {
    const user = isUuid(actor) ? await findUser(m, tenantId, actor) : null;
    if (!user) throw new AppError('FORBIDDEN', 'Only a signed-in member can enrol a second factor', { details: { reason: 'not_a_member' } });
    otpauthUri = await pendingFactor(m, secrets, tenantId, user.id, user.email);
    await writeAudit(m, { tenantId, actor, action: 'mfa.enrolment_started', entityType: 'User', entityId: user.id, after: { factor: 'totp' } });
    return user.id;
  });
  return { otpauthUri };
}

/** Makes a pending factor with a new sealed secret and answers its URI; CONFLICT when one is confirmed already. */
export async function pendingFactor(m: EntityManager, secrets: TenantSecrets, tenantId: string, userId: string, label: string): Promise<string> {
  const secret = newTotpSecret();
  const stored = await putPendingFactor(m, tenantId, userId, await secrets.seal(m, tenantId, secret, TOTP_SEAL_CONTEXT));
  if (!stored) throw new AppError('CONFLICT', 'A second factor is already enrolled; an admin can reset it', { details: { reason: 'enrolled' } });
  return totpUri(secret, label, ISSUER);
}

/** Opens a factor's sealed secret. */
export const openSecret = (m: EntityManager, secrets: TenantSecrets, tenantId: string, sealed: string) => secrets.open(m, tenantId, sealed, TOTP_SEAL_CONTEXT);

/** Confirms a pending factor with its first code (recorded as the newest step) and makes recovery codes. */
export async function confirmFactor(m: EntityManager, tenantId: string, userId: string, step: number): Promise<string[] | null> {
  if (!(await acceptStep(m, tenantId, userId, step))) return null;
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(m, tenantId, userId, codes.map(recoveryCodeHash));
  return codes;
}

/**
 * Confirms the caller's pending enrolment with a code computed from its secret; answers the
 * recovery codes once (hashed at rest; `null` on a replay). Audited.
 */
export async function confirmTotpEnrolment(m: EntityManager, secrets: TenantSecrets, cmd: Cmd<{ code?: unknown }>, now = Date.now()): Promise<{ recoveryCodes: string[] | null }> {
  const { tenantId, actor, input } = cmd;
  let recoveryCodes: string[] | null = null;
  await idempotent(m, tenantId, 'confirmTotpEnrolment', input, async () => {
    if (typeof input.code !== 'string' || !/^\d{6}$/.test(input.code)) throw badInput('input.code', 'code must be the 6 digits your app shows');
    const factor = isUuid(actor) ? await findFactor(m, tenantId, actor) : null;
    if (!factor) throw notFound('input.code', 'No enrolment is pending; start one first');
    if (factor.confirmedAt) throw new AppError('CONFLICT', 'The second factor is already confirmed', { field: 'input.code', details: { reason: 'enrolled' } });
    const check = checkTotp(await openSecret(m, secrets, tenantId, factor.secretSealed), input.code, now, factor.lastStep);
    if (!check.ok) throw new AppError('BAD_USER_INPUT', 'The code is wrong or out of date', { field: 'input.code', details: { reason: check.reason } });
    recoveryCodes = await confirmFactor(m, tenantId, actor, check.step);
    if (!recoveryCodes) throw new AppError('BAD_USER_INPUT', 'The code was used already', { field: 'input.code', details: { reason: 'replayed' } });
    await writeAudit(m, { tenantId, actor, action: 'mfa.enrolled', entityType: 'User', entityId: actor, before: { totp: false }, after: { totp: true } });
    return actor;
  });
  return { recoveryCodes };
}

/** An admin removes a member's second factor (a lost device); audited. The member enrols again. */
export function resetMemberMfa(m: EntityManager, cmd: Cmd<{ userId?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'resetMemberMfa', input, async () => {
    const user = isUuid(input.userId) ? await findUser(m, tenantId, input.userId) : null;
    if (!user) throw notFound('input.userId', 'No such user');
    const before = await findFactor(m, tenantId, user.id);
    await deleteFactor(m, tenantId, user.id);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'mfa.reset', entityType: 'User', entityId: user.id, before: { totp: !!before?.confirmedAt }, after: { totp: false } });
    return user.id;
  });
}

/** Turns the tenant's requirement (a second factor for admin and finance members) on or off; audited. */
export function setTenantMfaRequirement(m: EntityManager, cmd: Cmd<{ required?: unknown }>): Promise<{ required: boolean; updatedAt: string }> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'setTenantMfaRequirement', input, async () => {
    if (typeof input.required !== 'boolean') throw badInput('input.required', 'required must be true or false');
    const before = await tenantRequiresMfa(m, tenantId);
    const updatedAt = await setTenantRequiresMfa(m, tenantId, input.required);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'tenant.mfa_requirement_changed', entityType: 'TenantSecuritySettings', entityId: tenantId, before: { mfaRequired: before }, after: { mfaRequired: input.required } });
    return { required: input.required, updatedAt: new Date(updatedAt).toISOString() };
  });
}
