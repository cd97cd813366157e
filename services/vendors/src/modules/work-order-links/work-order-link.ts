import { AppError, badInput } from '@commonhold/kit/domain';

/** What identity signs for a work-order link: this purpose, the work order as subject. */
export const WORK_ORDER_LINK_PURPOSE = 'work_order_access' as const;
/** Default and longest life of a link, hours (identity caps links at PUBLIC_LINK_MAX_DAYS, 30 days). */
export const DEFAULT_LINK_HOURS = 72;
export const MAX_LINK_HOURS = 720;
/**
 * Uses a link may take at identity: every call through the link (a read or an action) redeems one,
 * so identity's revocation and expiry are checked each time; 1000 covers a job's life with room.
 */
export const LINK_MAX_USES = 1000;
/** Work orders a link may be issued for: a vendor is named and the work is not yet done. */
export const LINKABLE_STATUSES = ['offered', 'accepted', 'in_progress'] as const;

/** The link's life in hours (1–720, default 72); BAD_USER_INPUT naming the field otherwise. */
export function linkHours(field: string, v: unknown): number {
  if (v == null) return DEFAULT_LINK_HOURS;
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_LINK_HOURS) throw badInput(field, `expiresInHours must be a whole number from 1 to ${MAX_LINK_HOURS}`);
  return v as number;
}

/** When a link issued at `now` for `hours` expires (whole seconds: the token's `exp` is in seconds). */
export const linkExpiry = (now: Date, hours: number) => new Date(Math.floor(now.getTime() / 1000) * 1000 + hours * 3_600_000);

/** Whether a work order can get a link: CONFLICT (`reason`) when it has no vendor or is past working. */
export function assertLinkable(field: string, w: { status: string; vendor_id: string | null }): void {
  if (!w.vendor_id) throw new AppError('CONFLICT', 'A link is issued for a work order offered to a vendor', { field, details: { reason: 'NO_VENDOR', status: w.status } });
  if (!(LINKABLE_STATUSES as readonly string[]).includes(w.status)) {
    throw new AppError('CONFLICT', `A link cannot be issued for a work order that is ${w.status}`, { field, details: { reason: 'WRONG_STATUS', status: w.status } });
  }
}

export interface LinkRecord {
  work_order_id: string;
  vendor_id: string;
  expires_at: Date;
  revoked_at: Date | null;
}

/**
 * Why a presented link opens nothing, checked against vendors' own record of it (the token's
 * signature, purpose and subject were verified before): unknown (not issued here), revoked, expired,
 * for another work order than the token's subject, or the work order has since gone to another vendor. Null: the link may act.
 */
export function linkRefusal(link: LinkRecord | null, subjectId: string, workOrder: { id: string; vendor_id: string | null } | null, now: Date): AppError | null {
  if (!link) return new AppError('UNAUTHENTICATED', 'This link is not valid', { details: { reason: 'invalid' } });
  if (link.revoked_at) return new AppError('UNAUTHENTICATED', 'This link has been revoked', { details: { reason: 'revoked' } });
  if (link.expires_at.getTime() <= now.getTime()) return new AppError('UNAUTHENTICATED', 'This link has expired', { details: { reason: 'expired' } });
  if (link.work_order_id !== subjectId || !workOrder || workOrder.id !== link.work_order_id) return new AppError('FORBIDDEN', 'This link is for another work order', { details: { reason: 'subject' } });
  if (workOrder.vendor_id !== link.vendor_id) return new AppError('FORBIDDEN', 'The work order is no longer with the vendor this link was issued for', { details: { reason: 'vendor_changed' } });
  return null;
}
