import { requiredText } from '@commonhold/kit/domain';

/** Pure rules of a note: a title of 1 to 200 characters, trimmed. */
export function noteTitle(value: unknown): string {
  return requiredText('input.title', value, 200);
}
