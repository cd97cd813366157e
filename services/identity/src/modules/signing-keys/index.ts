// What other modules may import from signing-keys.
export { keyRing, KeyRing } from './key-ring';
export { signingKeysModule } from './signing-keys.module';
export { publishedKeys, rotationDue, signingKey } from './signing-key';
