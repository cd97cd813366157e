// The inner loop: only the unit tier (`*.spec.ts`: pure rules, generators, charts rendered with
// helm), with no global setup — no PostgreSQL, Redis or Kafka is started. `npm run test:unit`.
// The README's `npm test` still runs every tier through jest.config.js.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/?(*.)+(spec).ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
