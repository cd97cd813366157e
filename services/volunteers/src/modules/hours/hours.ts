/** Pure rules of the volunteering reports. */

/** Share of attended-or-not signups that were no-shows: no-shows / (completed + no-shows); null when there were none. */
export function noShowRate(completed: number, noShows: number): number | null {
  const n = completed + noShows;
  return n === 0 ? null : noShows / n;
}
