/**
 * `@commonhold/kit/domain`: what pure domain code (rules, validation, value objects) may use. It
 * loads no infrastructure — no typeorm, kafkajs, pg, ioredis, express or Apollo (domain.spec.ts
 * proves it) — so a rule file and its unit test start in milliseconds.
 */
export * from './errors';
export * from './money';
export * from './ids';
export * from './validation';
export * from './pagination';
export * from './event-builders';
export * from './csv-safe';
export * from './scope';
