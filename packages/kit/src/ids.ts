/** Id checks shared by every subgraph (pure: part of `@commonhold/kit/domain`). */

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` is a UUID string (any case); ids that are not never reach SQL. */
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID_PATTERN.test(id);

/** The ids of a batch that are UUIDs (a DataLoader batch may carry a client's garbage). */
export const validIds = (ids: readonly string[]): string[] => ids.filter((id) => UUID_PATTERN.test(id));
