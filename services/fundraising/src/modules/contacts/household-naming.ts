/** A household member as far as naming is concerned, in household member order. */
export interface NamingMember {
  title: string | null;
  firstName: string | null;
  lastName: string;
  excludeFromHouseholdName: boolean;
}

export interface HouseholdNames {
  name: string;
  formalGreeting: string;
  informalGreeting: string;
}

/** "A", "A and B", "A, B and C". */
export function joinList(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

const words = (...parts: (string | null)[]) =>
  parts
    .map((p) => p?.trim())
    .filter((p): p is string => !!p)
    .join(' ');

/**
 * Household names, NPSP style. Rules:
 * 1. The named members are those not excluded from naming; if every member is excluded, all are named.
 * 2. Named members are grouped by last name (compared case-insensitively, spelled as first seen),
 *    groups in the order their first member appears, members in member order within a group.
 * 3. name: the groups' last names joined as a list ("Smith", "Smith and Jones",
 *    "Smith, Jones and Brown") + " Household".
 * 4. formalGreeting: per group, each member's "title firstName" (either may be missing) joined as a
 *    list, then the last name ("Mr. John and Mrs. Jane Smith"); a member with neither is left out
 *    of the list; the groups are joined as a list ("Mr. John Smith and Ms. Ann Jones").
 * 5. informalGreeting: each named member's first name (or, without one, "title lastName", or the
 *    last name alone), in the same order, joined as a list ("John and Jane", "John, Jane and Ann").
 * No members → null (the caller keeps or blanks the stored names).
 */
export function householdNames(members: NamingMember[]): HouseholdNames | null {
  if (!members.length) return null;
  const included = members.filter((m) => !m.excludeFromHouseholdName);
  const named = included.length ? included : members;
  const groups = new Map<string, { lastName: string; members: NamingMember[] }>();
  for (const m of named) {
    const key = m.lastName.trim().toLowerCase();
    const g = groups.get(key) ?? { lastName: m.lastName.trim(), members: [] };
    g.members.push(m);
    groups.set(key, g);
  }
  const ordered = [...groups.values()];
  const formal = ordered.map((g) => {
    const people = g.members.map((m) => words(m.title, m.firstName)).filter(Boolean);
    return words(joinList(people), g.lastName);
  });
  const informal = ordered.flatMap((g) => g.members.map((m) => (m.firstName?.trim() ? m.firstName.trim() : words(m.title, g.lastName))));
  return {
    name: `${joinList(ordered.map((g) => g.lastName))} Household`,
    formalGreeting: joinList(formal),
    informalGreeting: joinList(informal),
  };
}
