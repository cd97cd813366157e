// One jest run for every tier: unit (*.spec.ts), integration (*.int-spec.ts) and end-to-end
// through the gateway (*.e2e-spec.ts). globalSetup provisions real PostgreSQL, Redis and Kafka.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/?(*.)+(spec|int-spec|e2e-spec).ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  globalSetup: '<rootDir>/packages/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/packages/testing/src/global-teardown.js',
  reporters: ['default', '<rootDir>/packages/testing/src/summary-reporter.js'],
  testTimeout: 60000,
  maxWorkers: 2,
};
