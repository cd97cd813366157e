// What other modules may import from dunning.
export { dunningModule } from './dunning.module';
export { effectivePolicy, lateFeesDue, nextStep, type Decision, type DunningStep, type PolicyDocument } from './policy';
