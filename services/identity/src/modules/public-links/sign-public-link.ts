import { PUBLIC_LINK_AUDIENCE, PUBLIC_LINK_TYP } from '@commonhold/kit';
import type { KeyRing } from '../signing-keys';
import type { PublicLinkRow } from './public-link.store';

/**
 * The compact token of a link: bound to tenant, purpose, subject and scope, issued at the link's
 * creation and expiring with it. Signed from the row alone (Ed25519 is deterministic), so signing
 * the same link again — a replayed createPublicLink — gives the same token while the key is current.
 */
export function signPublicLink(ring: KeyRing, link: PublicLinkRow): Promise<string> {
  const issuedAt = new Date(Math.floor(link.createdAt.getTime() / 1000) * 1000);
  const lifetimeSeconds = Math.max(1, Math.floor((link.expiresAt.getTime() - issuedAt.getTime()) / 1000));
  return ring.sign({ tid: link.tenantId, pur: link.purpose, scope: link.scope }, { audience: PUBLIC_LINK_AUDIENCE, typ: PUBLIC_LINK_TYP, lifetimeSeconds, subject: link.subjectId, jti: link.id, issuedAt });
}
