import { AppError } from '@commonhold/kit';

/** Runs `fn` and returns the error it threw, of `type` (AppError by default); fails the test otherwise. */
export function caught<E extends Error = AppError>(fn: () => unknown, type: new (...args: any[]) => E = AppError as unknown as new (...args: any[]) => E): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}
