// What other modules may import from votes (its wiring is votes.module.ts).
export { countVote, onVoteClosed, type VoteClosedHandler } from './close-vote';
export type { Command } from './create-vote';
export { parseCategory, CATEGORY } from './vote';
export { findVote, type VoteRow } from './vote.store';
export type { Tally } from './tally';
export { currentTraceId } from './trace-id';
export { resultOut, voteOut } from './vote-out';
