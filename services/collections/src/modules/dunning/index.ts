// What other modules may import from dunning (its wiring is dunning.module.ts).
export { effectivePolicy, lateFeesDue, nextStep, overdueBucket, type Decision, type DunningStep, type PolicyDocument, type StepChannel } from './policy';
export { candidatePolicies, findPolicy, type PolicyRow } from './dunning.store';
