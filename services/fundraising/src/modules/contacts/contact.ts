import { z } from 'zod';
import { badInput } from '@commonhold/kit';

export interface NewContact {
  firstName: string;
  lastName: string;
  email: string | null;
}

const name = (field: string) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `${field} must not be blank`)
    .max(100, `${field} must be at most 100 characters`);

const schema = z.object({
  firstName: name('firstName'),
  lastName: name('lastName'),
  email: z
    .email({ error: 'email is not a valid email address' })
    .max(254)
    .transform((e) => e.toLowerCase())
    .nullish()
    .transform((e) => e ?? null),
});

/** Validates and normalises contact input; the first problem found is reported with its field. */
export function validateNewContact(input: unknown): NewContact {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw badInput(`input.${issue.path.join('.')}`, issue.message);
  }
  return r.data;
}
