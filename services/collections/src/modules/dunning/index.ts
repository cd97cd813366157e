// What other modules may import from dunning (its wiring is dunning.module.ts).
export { effectivePolicy, lateFeesDue, nextStep, type Decision, type DunningStep, type PolicyDocument } from './policy';
