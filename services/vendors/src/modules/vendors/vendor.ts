import { AppError, badInput, requiredText } from '@commonhold/kit/domain';

/** Credential statuses as vetting services report them (Yardi-style credentialing). */
export const CREDENTIAL_STATUSES = ['approved', 'exempt', 'incomplete', 'pending', 'declined'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

/** A trade or work-order category: lower-case kebab words, as the voting command's `category`. */
export const TRADE_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

export interface Credential {
  kind: string;
  status: CredentialStatus;
  /** Last day (UTC, YYYY-MM-DD) the credential is valid; null = does not expire. */
  expiresOn: string | null;
}

/** What eligibility looks at: the vendor as profiled, and its credentials. */
export interface VendorFacts {
  active: boolean;
  trades: readonly string[];
  buildingIds: readonly string[];
  credentials: readonly Credential[];
}

/** The status a credential has on `day`: an approved or exempt credential past its expiry is `expired`. */
export function credentialStanding(c: Credential, day: string): CredentialStatus | 'expired' {
  if (c.expiresOn !== null && c.expiresOn < day && (c.status === 'approved' || c.status === 'exempt')) return 'expired';
  return c.status;
}

/** The worst standing over a vendor's credentials (none at all counts as `incomplete`). */
export function credentialStatusOf(credentials: readonly Credential[], day: string): CredentialStatus | 'expired' {
  if (!credentials.length) return 'incomplete';
  const order: (CredentialStatus | 'expired')[] = ['declined', 'expired', 'incomplete', 'pending', 'approved', 'exempt'];
  return credentials.map((c) => credentialStanding(c, day)).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0]!;
}

/**
 * Whether the vendor may be invited to or offered work of `trade` at `buildingId` on `day`, and why
 * not: it must be active, practise the trade, serve the building and hold at least one credential,
 * every one approved or exempt and none expired.
 */
export function eligibility(v: VendorFacts, trade: string, buildingId: string, day: string): { eligible: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (!v.active) reasons.push('INACTIVE');
  if (!v.trades.includes(trade)) reasons.push('TRADE_NOT_SERVED');
  if (!v.buildingIds.includes(buildingId)) reasons.push('BUILDING_NOT_SERVED');
  const status = credentialStatusOf(v.credentials, day);
  if (status !== 'approved' && status !== 'exempt') reasons.push(`CREDENTIALS_${status.toUpperCase()}`);
  return { eligible: reasons.length === 0, reasons };
}

/** A vendor's SLA terms: hours to accept an offered work order, days to complete it once accepted. */
export interface SlaTerms {
  responseHours: number;
  completionDays: number;
}

export function parseSla(field: string, v: unknown): SlaTerms {
  if (!v || typeof v !== 'object') throw badInput(field, 'sla is required');
  const { responseHours, completionDays } = v as Record<string, unknown>;
  if (!Number.isInteger(responseHours) || (responseHours as number) < 1 || (responseHours as number) > 24 * 90) throw badInput(`${field}.responseHours`, 'responseHours must be a whole number of hours from 1 to 2160');
  if (!Number.isInteger(completionDays) || (completionDays as number) < 1 || (completionDays as number) > 3650) throw badInput(`${field}.completionDays`, 'completionDays must be a whole number of days from 1 to 3650');
  return { responseHours: responseHours as number, completionDays: completionDays as number };
}

export function parseTrades(field: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > 20) throw badInput(field, 'trades must list 1 to 20 trades');
  v.forEach((t, i) => {
    if (typeof t !== 'string' || !TRADE_PATTERN.test(t)) throw badInput(`${field}.${i}`, 'a trade is lower-case letters, digits and dashes, e.g. plumbing');
  });
  return [...new Set(v as string[])];
}

export function parseVendorName(field: string, v: unknown): string {
  return requiredText(field, v, 200);
}

/** A date `YYYY-MM-DD` that exists in the calendar. */
export function parseDay(field: string, v: unknown): string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw badInput(field, 'a date YYYY-MM-DD is required');
  }
  return v;
}

export const notEligible = (field: string, vendorId: string, reasons: string[]) =>
  new AppError('BAD_USER_INPUT', `Vendor ${vendorId} is not eligible: ${reasons.join(', ')}`, { field, details: { reason: 'NOT_ELIGIBLE', reasons } });
