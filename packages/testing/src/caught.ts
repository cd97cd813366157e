import { AppError } from '@commonhold/kit';

/** Runs `fn` and returns the AppError it threw (fails the test if it threw nothing or something else). */
export function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError, nothing was thrown');
}
