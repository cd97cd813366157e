import { PUBLIC_LINK_AUDIENCE, PUBLIC_LINK_TYP } from '@commonhold/kit';
import type { KeyRing } from '../signing-keys';
import type { PublicLinkRow } from './public-link.store';

/** The compact token of a link: bound to tenant, purpose, subject and scope, expiring with the link. */
export function signPublicLink(ring: KeyRing, link: PublicLinkRow): Promise<string> {
  const lifetimeSeconds = Math.max(1, Math.floor((link.expiresAt.getTime() - Date.now()) / 1000));
  return ring.sign({ tid: link.tenantId, pur: link.purpose, scope: link.scope }, { audience: PUBLIC_LINK_AUDIENCE, typ: PUBLIC_LINK_TYP, lifetimeSeconds, subject: link.subjectId, jti: link.id });
}
