// What other modules may import from dunning (its wiring is dunning.module.ts).
export { effectivePolicy, episodeDueOn, episodeHistory, lateFeesDue, nextStep, overdueBucket, type Decision, type DunningStep, type PolicyDocument, type StepChannel } from './policy';
export { candidatePolicies, findPolicy, latestPolicies, type PolicyRow } from './dunning.store';
