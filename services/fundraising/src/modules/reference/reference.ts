import { badInput, requiredText } from '@commonhold/kit/domain';

/** Campaigns, appeals and funds: codes unique per tenant, shown upper-case. */

/** A reference code: letters, digits, "-" and "_", upper-cased, at most 40 characters. */
export function code(field: string, value: unknown): string {
  const c = requiredText(field, value, 40).toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]*$/.test(c)) throw badInput(field, 'code may hold only letters, digits, "-" and "_"');
  return c;
}
