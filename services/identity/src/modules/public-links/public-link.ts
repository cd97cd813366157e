import { badInput, requiredText, type PublicLinkPurpose } from '@commonhold/kit/domain';
import { parseScope, scopeWithin, type Scope } from '../../shared/scope-rules';

/** Purposes a caller may create links for; `invitation` links are made by inviteUser only. */
export const CREATABLE_PURPOSES = ['volunteer_signup', 'work_order_access', 'resident_statement', 'resident_payment', 'vote_ballot'] as const satisfies readonly PublicLinkPurpose[];

export interface PublicLinkTerms {
  purpose: PublicLinkPurpose;
  subjectId: string;
  expiresAt: Date;
  maxUses: number;
  scope: Scope;
}

/**
 * Validates a link request: a known purpose, a subject, an expiry in the future and at most
 * `maxDays` away, 1–10 000 uses, and a scope inside the creator's (default: the creator's own).
 */
export function linkTerms(input: { purpose?: unknown; subjectId?: unknown; expiresAt?: unknown; maxUses?: unknown; scope?: unknown }, creatorScope: Scope, now: Date, maxDays: number): PublicLinkTerms {
  if (!(CREATABLE_PURPOSES as readonly unknown[]).includes(input.purpose)) throw badInput('input.purpose', `purpose must be one of ${CREATABLE_PURPOSES.join(', ')}`);
  const subjectId = requiredText('input.subjectId', input.subjectId, 200);
  const expiresAt = input.expiresAt instanceof Date ? input.expiresAt : new Date(typeof input.expiresAt === 'string' ? input.expiresAt : NaN);
  if (Number.isNaN(expiresAt.getTime())) throw badInput('input.expiresAt', 'expiresAt must be an ISO 8601 instant');
  if (expiresAt.getTime() <= now.getTime() + 60_000) throw badInput('input.expiresAt', 'expiresAt must be at least a minute in the future');
  if (expiresAt.getTime() > now.getTime() + maxDays * 86_400_000) throw badInput('input.expiresAt', `A link lives at most ${maxDays} days`);
  const maxUses = input.maxUses ?? 1;
  if (!Number.isInteger(maxUses) || (maxUses as number) < 1 || (maxUses as number) > 10_000) throw badInput('input.maxUses', 'maxUses must be between 1 and 10000');
  const scope = input.scope == null ? creatorScope : parseScope('input.scope', input.scope);
  if (!scopeWithin(scope, creatorScope)) throw badInput('input.scope', 'A link cannot reach beyond your own scope');
  return { purpose: input.purpose as PublicLinkPurpose, subjectId, expiresAt, maxUses: maxUses as number, scope };
}
