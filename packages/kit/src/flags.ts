import { AppError } from './errors';
import type { FeatureFlag } from './config';

/** Throws FEATURE_DISABLED when the flag is off, so a disabled feature answers the same way everywhere. */
export function requireFeature(config: Partial<Record<FeatureFlag, boolean>>, flag: FeatureFlag): void {
  if (!config[flag]) throw new AppError('FEATURE_DISABLED', `This feature is disabled (${flag})`, { details: { flag } });
}
