// What other modules may import from mfa (the sign-in step lives in sessions).
export { confirmFactor, openSecret, pendingFactor } from './enrol-totp';
export { acceptStep, countChallengeAttempt, findFactor, insertChallenge, lockChallenge, recoveryCodesLeft, tenantRequiresMfa, useChallenge, useRecoveryCode } from './mfa.store';
export { checkTotp, looksLikeRecoveryCode, mfaNeeded, recoveryCodeHash } from './totp';
