import { badInput } from './errors';

/** Input checks every module's mutations share; each error names the offending input field. */

const last = (field: string) => field.split('.').pop()!;

/** A required, trimmed string of at most `max` characters. */
export function requiredText(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || !value.trim()) throw badInput(field, `${last(field)} must not be blank`);
  if (value.trim().length > max) throw badInput(field, `${last(field)} must be at most ${max} characters`);
  return value.trim();
}

/** One of `allowed`; `dflt` when absent (absent without a default is refused like a wrong value). */
export function oneOf<T extends string>(field: string, allowed: readonly T[], value: unknown, dflt?: T): T {
  if (value == null && dflt !== undefined) return dflt;
  if (!allowed.includes(value as T)) throw badInput(field, `${last(field)} must be one of ${allowed.join(', ')}`);
  return value as T;
}
