// What other modules may import from signing-keys.
export { keyRing, KeyRing } from './key-ring';
export { publishedKeys, rotationDue, signingKey } from './signing-key';
